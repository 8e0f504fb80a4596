using ActorRuntime.Grains.State;
using ActorRuntime.Silo.Clustering;
using Orleans.Serialization.Invocation;

namespace ActorRuntime.Cli.Tests;

/// <summary>Which grain calls may be resent after their silo died mid-call, checked on Orleans' generated requests.</summary>
public class IdempotentCallsTests
{
    [Fact]
    public void State_writes_without_etag_and_reads_are_idempotent_etagged_and_first_writes_are_not()
    {
        var value = new byte[] { 1 };
        Assert.True(IsIdempotent(nameof(IStateKeyGrain.Set), new StateWriteCommand(value, null, false, null, null)));
        Assert.False(IsIdempotent(nameof(IStateKeyGrain.Set), new StateWriteCommand(value, "3", false, null, null)));
        Assert.False(IsIdempotent(nameof(IStateKeyGrain.Set), new StateWriteCommand(value, null, true, null, null)));
        Assert.True(IsIdempotent(nameof(IStateKeyGrain.Delete), new StateDeleteCommand(null, false)));
        Assert.False(IsIdempotent(nameof(IStateKeyGrain.Delete), new StateDeleteCommand("3", false)));
        Assert.True(IsIdempotent(nameof(IStateKeyGrain.Get), null));
    }

    private static bool IsIdempotent(string method, object? argument)
    {
        // Orleans generates one request class per grain method; find the one for IStateKeyGrain.{method}.
        var request = typeof(IStateKeyGrain).Assembly.GetTypes()
            .Where(t => typeof(IInvokable).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IInvokable)Activator.CreateInstance(t)!)
            .Single(r => r.GetInterfaceType() == typeof(IStateKeyGrain) && r.GetMethodName() == method);
        if (argument is not null) request.SetArgument(0, argument);
        return IdempotentCalls.IsIdempotent(request);
    }
}
