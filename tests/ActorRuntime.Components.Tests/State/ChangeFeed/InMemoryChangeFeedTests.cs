using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;

namespace ActorRuntime.Components.Tests.State.ChangeFeed;

/// <summary>The in-memory store reports every write: nothing else can write it, so it is always watching.</summary>
public sealed class InMemoryChangeFeedTests
{
    [Fact]
    public async Task EveryWrite_IsReported_WithItsETag()
    {
        await using var store = new InMemoryStateStore(TestServers.Component("state.in-memory"));
        await store.InitAsync(CancellationToken.None);
        Assert.True(store.IsWatching);
        using var changes = new ChangeRecorder(store);

        var etag = await store.SetAsync(new StateWrite("k", "1"u8.ToArray()), CancellationToken.None);
        await store.ExecuteTransactionAsync([StateOperation.Remove(new StateDelete("k"))], CancellationToken.None);

        Assert.Equal([new StateChange("k", etag), new StateChange("k", Deleted: true)], changes.Seen);
    }
}
