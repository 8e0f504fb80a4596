using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;

namespace ActorRuntime.Components.Tests.State;

public sealed class InMemoryStateStoreTests : StateStoreContractTests
{
    protected override IStateStore CreateStore() => new InMemoryStateStore(TestServers.Component("state.in-memory"));

    protected override string WellFormedWrongETag => "987654321";

    [Fact]
    public void IsBuiltByTheFactory() =>
        Assert.IsType<InMemoryStateStore>(ActorRuntime.Components.Hosting.ComponentTypes.BuiltIn.Create(TestServers.Component("state.in-memory")));
}
