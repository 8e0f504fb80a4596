using System.Text;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>The official .NET SDK (<c>Dapr.Client</c>, gRPC <c>InvokeBinding</c>) against the output bindings.</summary>
[Collection(BindingsRuntimeCollection.Name)]
public sealed class BindingsSdkTests(BindingsRuntimeFixture fixture) : IDisposable
{
    private readonly DaprClient _client = fixture.Runtime.CreateDaprClient();

    public void Dispose() => _client.Dispose();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    public sealed record Order(int OrderId, string Customer);

    [Fact]
    public async Task InvokeBindingAsync_creates_and_reads_a_redis_key()
    {
        var key = "e2e-sdk-" + Guid.NewGuid().ToString("N");
        await _client.InvokeBindingAsync("redis-binding", "create", new Order(7, "Ada"), new Dictionary<string, string> { ["key"] = key }, Timeout());
        // The SDK serialises with System.Text.Json's web defaults; gRPC passes the bytes through unchanged.
        Assert.Equal("""{"orderId":7,"customer":"Ada"}""", (string?)await fixture.Redis.GetDatabase().StringGetAsync(key));
        var back = await _client.InvokeBindingAsync<object?, Order>("redis-binding", "get", null, new Dictionary<string, string> { ["key"] = key }, Timeout());
        Assert.Equal(new Order(7, "Ada"), back);
        await _client.InvokeBindingAsync("redis-binding", "delete", (object?)null, new Dictionary<string, string> { ["key"] = key }, Timeout());
        Assert.False(await fixture.Redis.GetDatabase().KeyExistsAsync(key));
    }

    [Fact]
    public async Task InvokeBindingAsync_with_a_BindingRequest_returns_data_and_metadata()
    {
        var table = fixture.Table;
        await _client.InvokeBindingAsync(new BindingRequest("sqldb", "exec")
        {
            Metadata = { ["sql"] = $"CREATE TABLE IF NOT EXISTS {table} (orderid INT PRIMARY KEY, customer TEXT, price NUMERIC)" },
        }, Timeout());
        var insert = await _client.InvokeBindingAsync(new BindingRequest("sqldb", "exec")
        {
            Metadata = { ["sql"] = $"INSERT INTO {table} (orderid, customer, price) VALUES ($1, $2, $3) ON CONFLICT (orderid) DO UPDATE SET customer = EXCLUDED.customer", ["params"] = "[42, \"Grace\", 9.5]" },
        }, Timeout());
        Assert.Equal("1", insert.Metadata["rows-affected"]);
        Assert.Equal("exec", insert.Metadata["operation"]);
        var query = await _client.InvokeBindingAsync(new BindingRequest("sqldb", "query")
        {
            Metadata = { ["sql"] = $"SELECT orderid, customer FROM {table} WHERE orderid = 42" },
        }, Timeout());
        Assert.Equal("""[[42,"Grace"]]""", Encoding.UTF8.GetString(query.Data.Span));
        Assert.True(query.Metadata.ContainsKey("duration"));

        var http = await _client.InvokeBindingAsync(new BindingRequest("webhook", "put") { Data = Encoding.UTF8.GetBytes("raw bytes"), Metadata = { ["path"] = "sdk" } }, Timeout());
        Assert.Equal("PUT raw bytes", Encoding.UTF8.GetString(http.Data.Span));
        Assert.Equal("200", http.Metadata["statusCode"]);
    }

    [Fact]
    public async Task Failures_are_grpc_Internal_with_daprds_message()
    {
        foreach (var (name, operation, message) in new[]
        {
            ("nope", "create", "error invoking output binding nope: couldn't find output binding nope"),
            ("redis-binding", "exec", "error invoking output binding redis-binding: binding redis-binding does not support operation exec. supported operations:create delete get increment"),
            ("webhook", "get", "error invoking output binding webhook: received status code 500"),
        })
        {
            var e = await Assert.ThrowsAsync<DaprException>(() => _client.InvokeBindingAsync(new BindingRequest(name, operation)
            {
                Metadata = { ["key"] = "k", ["path"] = "status/500" },
            }, Timeout()));
            var rpc = Assert.IsType<RpcException>(e.InnerException);
            Assert.Equal(StatusCode.Internal, rpc.StatusCode);
            Assert.Equal(message, rpc.Status.Detail);
        }
    }
}
