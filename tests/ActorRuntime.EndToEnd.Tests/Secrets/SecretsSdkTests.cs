using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>The official .NET SDK (<c>Dapr.Client</c>, gRPC <c>GetSecret</c>/<c>GetBulkSecret</c>) against the secret stores.</summary>
[Collection(SecretsRuntimeCollection.Name)]
public sealed class SecretsSdkTests(SecretsRuntimeFixture fixture) : IDisposable
{
    private readonly DaprClient _client = fixture.Runtime.CreateDaprClient();

    public void Dispose() => _client.Dispose();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task GetSecretAsync_reads_every_store_type()
    {
        // Dapr's secrets quickstart (C#): GetSecretAsync("localsecretstore", "secret").
        Assert.Equal(new Dictionary<string, string> { ["secret"] = fixture.FileSecret },
            await _client.GetSecretAsync("localsecretstore", "secret", cancellationToken: Timeout()));
        Assert.Equal(fixture.NestedSecret, (await _client.GetSecretAsync("multistore", "connectionStrings", cancellationToken: Timeout()))["sql"]);
        Assert.Equal(fixture.EnvSecret, (await _client.GetSecretAsync("envstore", "TOKEN",
            new Dictionary<string, string> { ["version_id"] = "1" }, Timeout()))["TOKEN"]);
    }

    [Fact]
    public async Task GetBulkSecretAsync_returns_every_allowed_secret()
    {
        var all = await _client.GetBulkSecretAsync("localsecretstore", cancellationToken: Timeout());
        Assert.Equal(fixture.FileSecret, all["secret"]["secret"]);
        Assert.DoesNotContain("denied", all.Keys);
        Assert.Equal(["secret"], (await _client.GetBulkSecretAsync("scoped", cancellationToken: Timeout())).Keys);
    }

    [Fact]
    public async Task Errors_carry_daprds_grpc_status_codes()
    {
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => _client.GetSecretAsync("nostore", "secret", cancellationToken: Timeout())));
        Assert.Equal(StatusCode.Internal, await StatusOf(() => _client.GetSecretAsync("localsecretstore", "absent", cancellationToken: Timeout())));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => _client.GetSecretAsync("scoped", "denied", cancellationToken: Timeout())));
    }

    private static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<DaprException>(call);
        return Assert.IsType<RpcException>(e.InnerException).StatusCode;
    }
}
