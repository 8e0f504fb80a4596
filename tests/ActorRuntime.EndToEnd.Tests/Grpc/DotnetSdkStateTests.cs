using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr;
using Dapr.Client;

namespace ActorRuntime.EndToEnd.Tests.Grpc;

/// <summary>The official .NET SDK (<c>Dapr.Client</c>, gRPC for state and metadata) against every store type.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class DotnetSdkStateTests(StateRuntimeFixture fixture) : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly DaprClient _client = fixture.Runtime.CreateDaprClient();

    public void Dispose() => _client.Dispose();

    public sealed record Widget(string Name, int Size, string[] Tags, Dimensions Box);

    public sealed record Dimensions(double Width, double Height);

    private static Widget NewWidget(string name, int size) => new(name, size, ["red", name], new Dimensions(size * 1.5, 2));

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task SaveStateAsync_and_GetStateAsync_round_trip_a_poco(string store)
    {
        var key = Keys.New("sdk");
        var widget = NewWidget("gear", 7);
        await _client.SaveStateAsync(store, key, widget, cancellationToken: Timeout());
        var back = await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout());
        Assert.NotNull(back);
        Assert.Equal(widget.Name, back.Name);
        Assert.Equal(widget.Size, back.Size);
        Assert.Equal(widget.Tags, back.Tags);
        Assert.Equal(widget.Box, back.Box);

        // The HTTP API sees the same JSON the SDK wrote (camelCase, as the SDK serialises).
        var http = await new StateHttp(fixture.Runtime.Http).GetExistingAsync(store, key);
        Assert.Equal(JsonSerializer.Serialize(widget, Web), http.Body);

        Assert.Null(await _client.GetStateAsync<Widget>(store, Keys.New("absent"), cancellationToken: Timeout()));
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task TrySaveStateAsync_succeeds_with_the_current_etag_and_fails_with_a_stale_one(string store)
    {
        var key = Keys.New("sdk-etag");
        await _client.SaveStateAsync(store, key, NewWidget("v1", 1), cancellationToken: Timeout());
        var (value, etag) = await _client.GetStateAndETagAsync<Widget>(store, key, cancellationToken: Timeout());
        Assert.Equal("v1", value.Name);
        Assert.False(string.IsNullOrEmpty(etag), "GetStateAndETagAsync returned no etag");

        Assert.True(await _client.TrySaveStateAsync(store, key, NewWidget("v2", 2), etag, cancellationToken: Timeout()),
            "TrySaveStateAsync with the current etag should succeed");
        var (afterFirst, newEtag) = await _client.GetStateAndETagAsync<Widget>(store, key, cancellationToken: Timeout());
        Assert.Equal("v2", afterFirst.Name);
        Assert.NotEqual(etag, newEtag);

        Assert.False(await _client.TrySaveStateAsync(store, key, NewWidget("v3", 3), etag, cancellationToken: Timeout()),
            "TrySaveStateAsync with a stale etag should return false");
        Assert.Equal("v2", (await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout())).Name);

        // First-write without an etag on an existing key is rejected too.
        await Assert.ThrowsAnyAsync<DaprException>(() => _client.SaveStateAsync(store, key, NewWidget("fw", 4),
            new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: Timeout()));
        Assert.Equal("v2", (await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout())).Name);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task TryDeleteStateAsync_honours_the_etag(string store)
    {
        var key = Keys.New("sdk-del");
        await _client.SaveStateAsync(store, key, NewWidget("a", 1), cancellationToken: Timeout());
        var (_, stale) = await _client.GetStateAndETagAsync<Widget>(store, key, cancellationToken: Timeout());
        await _client.SaveStateAsync(store, key, NewWidget("b", 2), cancellationToken: Timeout());
        var (_, current) = await _client.GetStateAndETagAsync<Widget>(store, key, cancellationToken: Timeout());

        Assert.False(await _client.TryDeleteStateAsync(store, key, stale, cancellationToken: Timeout()), "delete with a stale etag should fail");
        Assert.NotNull(await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout()));
        Assert.True(await _client.TryDeleteStateAsync(store, key, current, cancellationToken: Timeout()), "delete with the current etag should succeed");
        Assert.Null(await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout()));

        // DeleteStateAsync of a missing key succeeds.
        await _client.DeleteStateAsync(store, Keys.New("never"), cancellationToken: Timeout());
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task GetBulkStateAsync_and_DeleteBulkStateAsync(string store)
    {
        var a = Keys.New("sdk-ba");
        var b = Keys.New("sdk-bb");
        var missing = Keys.New("sdk-bm");
        await _client.SaveBulkStateAsync(store,
            [new SaveStateItem<Widget>(a, NewWidget("a", 1), null!), new SaveStateItem<Widget>(b, NewWidget("b", 2), null!)],
            Timeout());

        var items = await _client.GetBulkStateAsync<Widget>(store, [a, b, missing], parallelism: 2, cancellationToken: Timeout());
        Assert.Equal(3, items.Count);
        var byKey = items.ToDictionary(i => i.Key);
        Assert.Equal("a", byKey[a].Value.Name);
        Assert.Equal("b", byKey[b].Value.Name);
        Assert.Null(byKey[missing].Value);
        Assert.True(string.IsNullOrEmpty(byKey[missing].ETag), $"missing key came back with etag '{byKey[missing].ETag}'");
        var (_, etagA) = await _client.GetStateAndETagAsync<Widget>(store, a, cancellationToken: Timeout());
        Assert.Equal(etagA, byKey[a].ETag);

        var raw = await _client.GetBulkStateAsync(store, [a], parallelism: 1, cancellationToken: Timeout());
        Assert.Equal(JsonSerializer.Serialize(NewWidget("a", 1), Web), raw.Single().Value);

        await _client.DeleteBulkStateAsync(store, [new BulkDeleteStateItem(a, etagA), new BulkDeleteStateItem(b, null!)], Timeout());
        Assert.Null(await _client.GetStateAsync<Widget>(store, a, cancellationToken: Timeout()));
        Assert.Null(await _client.GetStateAsync<Widget>(store, b, cancellationToken: Timeout()));
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task ExecuteStateTransactionAsync_is_all_or_nothing(string store)
    {
        var up = Keys.New("sdk-txu");
        var del = Keys.New("sdk-txd");
        await _client.SaveStateAsync(store, del, NewWidget("doomed", 1), cancellationToken: Timeout());

        await _client.ExecuteStateTransactionAsync(store,
        [
            new StateTransactionRequest(up, JsonSerializer.SerializeToUtf8Bytes(NewWidget("made", 5), Web), StateOperationType.Upsert),
            new StateTransactionRequest(del, null, StateOperationType.Delete),
        ], cancellationToken: Timeout());
        Assert.Equal("made", (await _client.GetStateAsync<Widget>(store, up, cancellationToken: Timeout())).Name);
        Assert.Null(await _client.GetStateAsync<Widget>(store, del, cancellationToken: Timeout()));

        // A stale etag aborts the whole transaction.
        var (_, etag) = await _client.GetStateAndETagAsync<Widget>(store, up, cancellationToken: Timeout());
        await _client.SaveStateAsync(store, up, NewWidget("moved on", 6), cancellationToken: Timeout());
        var other = Keys.New("sdk-txo");
        await Assert.ThrowsAnyAsync<DaprException>(() => _client.ExecuteStateTransactionAsync(store,
        [
            new StateTransactionRequest(other, JsonSerializer.SerializeToUtf8Bytes(NewWidget("nope", 0), Web), StateOperationType.Upsert),
            new StateTransactionRequest(up, JsonSerializer.SerializeToUtf8Bytes(NewWidget("stale", 0), Web), StateOperationType.Upsert, etag),
        ], cancellationToken: Timeout()));
        Assert.Null(await _client.GetStateAsync<Widget>(store, other, cancellationToken: Timeout()));
        Assert.Equal("moved on", (await _client.GetStateAsync<Widget>(store, up, cancellationToken: Timeout())).Name);
    }

    [Theory]
    [InlineData(StateRuntimeFixture.Sqlite)]
    [InlineData(StateRuntimeFixture.Postgres)]
    [InlineData(StateRuntimeFixture.InMemory)]
    public async Task QueryStateAsync_filters_and_sorts(string store)
    {
        var run = Guid.NewGuid().ToString("N");
        var json = new Dictionary<string, string> { ["contentType"] = "application/json" };
        var keys = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            var key = Keys.New($"sdkq{i}");
            keys.Add(key);
            await _client.SaveStateAsync(store, key, new QueryDoc(run, i % 2 == 0 ? "even" : "odd", i), metadata: json, cancellationToken: Timeout());
        }
        var query = JsonSerializer.Serialize(new
        {
            filter = new { AND = new object[] { new { EQ = new { run } }, new { EQ = new { kind = "even" } } } },
            sort = new[] { new { key = "n", order = "DESC" } },
        });
        var response = await _client.QueryStateAsync<QueryDoc>(store, query, cancellationToken: Timeout());
        Assert.Equal([4, 2], response.Results.Select(r => r.Data!.N).ToArray());
        Assert.Equal([keys[3], keys[1]], response.Results.Select(r => r.Key).ToArray());
        Assert.All(response.Results, r => Assert.False(string.IsNullOrEmpty(r.ETag)));
        Assert.All(response.Results, r => Assert.True(string.IsNullOrEmpty(r.Error), r.Error));
    }

    public sealed record QueryDoc(string Run, string Kind, int N);

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task SaveStateAsync_with_ttlInSeconds_expires(string store)
    {
        var key = Keys.New("sdk-ttl");
        await _client.SaveStateAsync(store, key, NewWidget("brief", 1),
            metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "2" }, cancellationToken: Timeout());
        Assert.NotNull(await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout()));

        // The raw response carries metadata.ttlExpireTime.
        var stub = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(fixture.Runtime.GrpcChannel);
        var raw = await stub.GetStateAsync(new Dapr.Client.Autogen.Grpc.v1.GetStateRequest { StoreName = store, Key = key },
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.True(raw.Metadata.TryGetValue("ttlExpireTime", out var expire) && DateTimeOffset.TryParse(expire, out _),
            $"GetState metadata has no parsable ttlExpireTime: {raw.Metadata}");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        Widget? current;
        do
        {
            await Task.Delay(250);
            current = await _client.GetStateAsync<Widget>(store, key, cancellationToken: Timeout());
        }
        while (current is not null && DateTime.UtcNow < deadline);
        Assert.Null(current);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Raw_bytes_and_plain_strings_round_trip_unchanged(string store)
    {
        // S1: arbitrary bytes (not UTF-8, not JSON) come back identical over gRPC.
        var binaryKey = Keys.New("sdk-bin");
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xff, 0xfe, 0x00, 0xc3 }).ToArray();
        await _client.SaveByteStateAsync(store, binaryKey, bytes, cancellationToken: Timeout());
        var back = await _client.GetByteStateAsync(store, binaryKey, cancellationToken: Timeout());
        Assert.Equal(bytes, back.ToArray());

        // A plain (non-JSON) string keeps no quotes, and HTTP GET returns the same raw bytes.
        var textKey = Keys.New("sdk-text");
        await _client.SaveByteStateAsync(store, textKey, System.Text.Encoding.UTF8.GetBytes("just text, not JSON"), cancellationToken: Timeout());
        Assert.Equal("just text, not JSON", System.Text.Encoding.UTF8.GetString((await _client.GetByteStateAsync(store, textKey, cancellationToken: Timeout())).Span));
        var http = await new StateHttp(fixture.Runtime.Http).GetExistingAsync(store, textKey);
        Assert.Equal("just text, not JSON", http.Body);

        // The empty value is a value, not a missing key.
        var emptyKey = Keys.New("sdk-empty");
        await _client.SaveByteStateAsync(store, emptyKey, ReadOnlyMemory<byte>.Empty, cancellationToken: Timeout());
        var (emptyValue, emptyEtag) = await _client.GetByteStateAndETagAsync(store, emptyKey, cancellationToken: Timeout());
        Assert.Equal(0, emptyValue.Length);
        Assert.False(string.IsNullOrEmpty(emptyEtag), "an empty value should still exist and have an etag");
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task DeleteBulkStateAsync_with_one_stale_etag_deletes_the_others(string store)
    {
        var guarded = Keys.New("sdk-bdg");
        var free = Keys.New("sdk-bdf");
        await _client.SaveStateAsync(store, guarded, NewWidget("g", 1), cancellationToken: Timeout());
        await _client.SaveStateAsync(store, free, NewWidget("f", 1), cancellationToken: Timeout());
        var (_, stale) = await _client.GetStateAndETagAsync<Widget>(store, guarded, cancellationToken: Timeout());
        await _client.SaveStateAsync(store, guarded, NewWidget("g2", 2), cancellationToken: Timeout());

        await Assert.ThrowsAnyAsync<DaprException>(() =>
            _client.DeleteBulkStateAsync(store, [new BulkDeleteStateItem(guarded, stale), new BulkDeleteStateItem(free, null!)], Timeout()));
        Assert.Equal("g2", (await _client.GetStateAsync<Widget>(store, guarded, cancellationToken: Timeout())).Name);
        Assert.Null(await _client.GetStateAsync<Widget>(store, free, cancellationToken: Timeout()));
    }

    [Fact]
    public async Task GetMetadataAsync_and_SetMetadataAsync()
    {
        var metadata = await _client.GetMetadataAsync(Timeout());
        Assert.Equal(fixture.Runtime.AppId, metadata.Id);
        foreach (var (name, type) in StateRuntimeFixture.StoreTypes)
        {
            var component = Assert.Single(metadata.Components, c => c.Name == name);
            Assert.Equal(type, component.Type);
            Assert.Contains("ETAG", component.Capabilities);
            Assert.Contains("TRANSACTIONAL", component.Capabilities);
        }

        var attribute = "sdkAttr" + Guid.NewGuid().ToString("N")[..6];
        await _client.SetMetadataAsync(attribute, "from the .NET SDK", Timeout());
        var after = await _client.GetMetadataAsync(Timeout());
        Assert.Equal("from the .NET SDK", after.Extended[attribute]);

        // Set over gRPC, visible over HTTP: one store of attributes.
        var http = System.Text.Json.Nodes.JsonNode.Parse(await fixture.Runtime.Http.GetStringAsync("/v1.0/metadata"))!;
        Assert.Equal("from the .NET SDK", http["extended"]?[attribute]?.GetValue<string>());
    }

    [Fact]
    public async Task CheckHealthAsync_and_WaitForSidecarAsync()
    {
        Assert.True(await _client.CheckHealthAsync(Timeout()));
        Assert.True(await _client.CheckOutboundHealthAsync(Timeout()));
        await _client.WaitForSidecarAsync(Timeout(10));
    }
}
