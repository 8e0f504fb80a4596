using System.Net;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>A component whose secret cannot be resolved stops <c>actorrt run</c>, naming where, never what.</summary>
public sealed class SecretStartupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_missing_secret_stops_start_up_naming_file_component_field_and_secret_but_no_value()
    {
        const string OtherValue = "never-print-me-5c1d";
        using var sandbox = new RuntimeSandbox();
        File.WriteAllText(Path.Combine(sandbox.Root, "secrets.json"), $$"""{"present": "{{OtherValue}}"}""");
        sandbox.AddComponent("files", ComponentYaml.Component("files", "secretstores.local.file", ("secretsFile", "secrets.json")));
        sandbox.AddComponent("cache", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: cache
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - name: redisPassword
                secretKeyRef:
                  name: absent-secret
                  key: absent-secret
            auth:
              secretStore: files
            """);
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { StartTimeout = TimeSpan.FromSeconds(60), LogLevel = "debug" });
        });
        output.WriteLine(e.Message);
        Assert.Contains("cache.yaml", e.Message);
        Assert.Contains("component 'cache'", e.Message);
        Assert.Contains("field 'redisPassword'", e.Message);
        Assert.Contains("secret 'absent-secret'", e.Message);
        Assert.DoesNotContain(OtherValue, e.Message);
    }
}

/// <summary>An app with no secret store gets daprd's ERR_SECRET_STORES_NOT_CONFIGURED on both protocols.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class NoSecretStoreTests(StateRuntimeFixture fixture)
{
    [Fact]
    public async Task Secrets_calls_without_any_secret_store_are_500_ERR_SECRET_STORES_NOT_CONFIGURED()
    {
        foreach (var path in new[] { "/v1.0/secrets/any/key", "/v1.0/secrets/any/bulk" })
        {
            var response = await fixture.Runtime.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("ERR_SECRET_STORES_NOT_CONFIGURED", doc.RootElement.GetProperty("errorCode").GetString());
            Assert.Equal("secret store is not configured", doc.RootElement.GetProperty("message").GetString());
        }
        using var client = fixture.Runtime.CreateDaprClient();
        var e = await Assert.ThrowsAsync<Dapr.DaprException>(() => client.GetSecretAsync("any", "key"));
        Assert.Equal(global::Grpc.Core.StatusCode.FailedPrecondition, Assert.IsType<global::Grpc.Core.RpcException>(e.InnerException).StatusCode);
    }
}
