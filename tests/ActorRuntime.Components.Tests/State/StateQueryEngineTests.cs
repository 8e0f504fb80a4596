using System.Text.Json;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Query;
using ActorRuntime.Components.State.Stores;

namespace ActorRuntime.Components.Tests.State;

/// <summary>Query document validation and edge cases, independent of the store (run on the in-memory one).</summary>
public sealed class StateQueryEngineTests : IAsyncLifetime
{
    private readonly InMemoryStateStore _store = new(TestServers.Component("state.in-memory"));
    private readonly KeyPrefix _prefix = KeyPrefix.For(TestServers.Component("state.in-memory"), "app", null);

    public async Task InitializeAsync()
    {
        await _store.InitAsync(CancellationToken.None);
        await PutAsync("a", """{"n":1,"s":"x","flag":true,"tags":["t"]}""");
        await PutAsync("b", """{"n":2.5,"s":"y","flag":false}""");
        await PutAsync("c", """{"n":"2.5","s":"z"}""");
        await PutAsync("d", """{"other":1}""");
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private Task PutAsync(string key, string json) =>
        _store.SetAsync(new StateWrite(_prefix.Apply(key), System.Text.Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    private async Task<string[]> KeysAsync(string query)
    {
        using var document = JsonDocument.Parse(query);
        var result = await StateQueryEngine.ExecuteAsync(_store, _prefix, document.RootElement, CancellationToken.None);
        return result.Results.Select(r => r.Key).ToArray();
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"filter":{"EQ":{"n":1},"IN":{"n":[1]}}}""")]
    [InlineData("""{"filter":{"LIKE":{"n":1}}}""")]
    [InlineData("""{"filter":{"EQ":{}}}""")]
    [InlineData("""{"filter":{"EQ":{"a":1,"b":2}}}""")]
    [InlineData("""{"filter":{"EQ":{"a..b":1}}}""")]
    [InlineData("""{"filter":{"IN":{"n":1}}}""")]
    [InlineData("""{"filter":{"AND":[]}}""")]
    [InlineData("""{"filter":{"OR":{"EQ":{"n":1}}}}""")]
    [InlineData("""{"filter":"EQ"}""")]
    [InlineData("""{"sort":{"key":"n"}}""")]
    [InlineData("""{"sort":[{"order":"ASC"}]}""")]
    [InlineData("""{"sort":[{"key":"n","order":"UP"}]}""")]
    [InlineData("""{"page":{"limit":-1}}""")]
    [InlineData("""{"page":{"limit":"ten"}}""")]
    [InlineData("""{"page":{"limit":2,"token":"abc"}}""")]
    [InlineData("""{"page":{"limit":2,"token":"-3"}}""")]
    public async Task InvalidQueryDocuments_AreRejected(string query) =>
        await Assert.ThrowsAsync<InvalidStateQueryException>(() => KeysAsync(query));

    [Fact]
    public async Task StoreWithoutQueryApi_IsNotSupported()
    {
        using var document = JsonDocument.Parse("{}");
        await Assert.ThrowsAsync<NotSupportedException>(() =>
            StateQueryEngine.ExecuteAsync(new StoreWithoutQueries(_store), _prefix, document.RootElement, CancellationToken.None));
    }

    [Fact]
    public async Task Comparisons_CompareNumbersWithNumbersAndStringsWithStrings()
    {
        Assert.Equal(["b"], await KeysAsync("""{"filter":{"GT":{"n":1}}}"""));
        Assert.Equal(["a", "b"], await KeysAsync("""{"filter":{"GTE":{"n":1}}}"""));
        Assert.Equal(["a"], await KeysAsync("""{"filter":{"LT":{"s":"y"}}}"""));
        Assert.Equal(["a", "b"], await KeysAsync("""{"filter":{"LTE":{"s":"y"}}}"""));
        // A missing field matches nothing, not even NEQ.
        Assert.Equal(["b", "c"], await KeysAsync("""{"filter":{"NEQ":{"n":1}}}"""));
    }

    [Fact]
    public async Task EQ_MatchesNumbersByValueAndTextLikeTheSqlStores()
    {
        Assert.Equal(["b", "c"], await KeysAsync("""{"filter":{"EQ":{"n":2.5}}}"""));
        Assert.Equal(["a"], await KeysAsync("""{"filter":{"EQ":{"flag":true}}}"""));
        Assert.Equal(["a"], await KeysAsync("""{"filter":{"EQ":{"tags":["t"]}}}"""));
    }

    [Fact]
    public async Task Sort_PutsDocumentsWithoutTheKeyFirst_ThenByTypeAndValue()
    {
        Assert.Equal(["d", "a", "b", "c"], await KeysAsync("""{"sort":[{"key":"n"}]}"""));
        Assert.Equal(["c", "b", "a", "d"], await KeysAsync("""{"sort":[{"key":"n","order":"DESC"}]}"""));
    }

    [Fact]
    public async Task TokenPastTheEnd_GivesAnEmptyPage()
    {
        Assert.Empty(await KeysAsync("""{"page":{"limit":2,"token":"100"}}"""));
    }

    [Fact]
    public async Task NullMembers_MeanDefaults()
    {
        Assert.Equal(["a", "b", "c", "d"], await KeysAsync("""{"filter":null,"sort":null,"page":null}"""));
    }

    /// <summary>A store that scans but does not claim the query API: the engine must refuse it.</summary>
    private sealed class StoreWithoutQueries(IStateStore inner) : IStateStore
    {
        public string Name => inner.Name;
        public string Type => inner.Type;
        public StateStoreFeatures Features => inner.Features & ~StateStoreFeatures.QueryApi;
        public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<StoredState?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);
        public Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken) => inner.SetAsync(write, cancellationToken);
        public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) => inner.DeleteAsync(delete, cancellationToken);
        public Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken) =>
            inner.ExecuteTransactionAsync(operations, cancellationToken);
        public IAsyncEnumerable<KeyValuePair<string, StoredState>> ScanAsync(string keyPrefix, CancellationToken cancellationToken) =>
            inner.ScanAsync(keyPrefix, cancellationToken);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
