using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>No secret value shows up in what the runtime prints, whatever the calls (debug logging on).</summary>
[Collection(SecretsRuntimeCollection.Name)]
public sealed class SecretValuesInOutputTests(SecretsRuntimeFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_runtime_output_contains_no_secret_value()
    {
        var http = fixture.Runtime.Http;
        foreach (var path in new[]
        {
            "/v1.0/secrets/localsecretstore/secret", "/v1.0/secrets/localsecretstore/bulk", "/v1.0/secrets/multistore/redis",
            "/v1.0/secrets/envstore/TOKEN", "/v1.0/secrets/chained/deep", "/v1.0/secrets/scoped/denied", "/v1.0/secrets/nostore/x",
            "/v1.0/secrets/localsecretstore/absent", "/v1.0/metadata",
        })
            (await http.GetAsync(path)).Dispose();
        using (var client = fixture.Runtime.CreateDaprClient())
        {
            await client.GetBulkSecretAsync("multistore");
            await Assert.ThrowsAsync<DaprException>(() => client.GetSecretAsync("scoped", "denied"));
        }
        var save = await http.PostAsync("/v1.0/state/aclredis", StateHttp.Json($"[{{\"key\":\"{Keys.New("log")}\",\"value\":1}}]"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        var text = fixture.Runtime.Output;
        Assert.Contains("Component loaded: aclredis", text); // the output is really being captured
        foreach (var value in fixture.AllValues)
        {
            if (!text.Contains(value, StringComparison.Ordinal)) continue;
            output.WriteLine(fixture.Runtime.Describe());
            Assert.Fail($"a secret value appears in the runtime output (value of length {value.Length})");
        }
    }
}
