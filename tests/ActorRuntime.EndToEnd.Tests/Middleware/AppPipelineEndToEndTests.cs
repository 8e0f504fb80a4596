using System.Net;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;

namespace ActorRuntime.EndToEnd.Tests.Middleware;

/// <summary>
/// <c>spec.appHttpPipeline</c> runs on calls from the runtime into the app: a service invocation reaches EchoApp with
/// its body upper-cased (<c>middleware.http.uppercase</c>) and an access token from a token endpoint in this process
/// (<c>middleware.http.oauth2clientcredentials</c>, fetched once and cached). Requests to the runtime's own API are
/// not touched by it.
/// </summary>
[Collection(InvocationCollection.Name)]
public sealed class AppPipelineEndToEndTests : IAsyncLifetime
{
    private const string Secret = "client-secret-e2e";
    private LocalEndpoint _idp = null!;
    private int _tokens;

    public Task InitializeAsync()
    {
        _idp = new LocalEndpoint((request, body) =>
        {
            var form = System.Text.Encoding.UTF8.GetString(body);
            if (request.Url!.AbsolutePath != "/token" || !form.Contains("grant_type=client_credentials", StringComparison.Ordinal))
                return (400, "application/json", """{"error":"invalid_request"}""");
            var n = Interlocked.Increment(ref _tokens);
            return (200, "application/json", JsonSerializer.Serialize(new { access_token = "app-token-" + n, token_type = "bearer", expires_in = 3600 }));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Invocations_into_the_app_are_upper_cased_and_carry_the_token()
    {
        await using var cluster = new InvocationCluster();
        var appId = InvocationCluster.NewAppId("apppipe");
        var config = Path.Combine(cluster.Root, appId + "-config.yaml");
        File.WriteAllText(config, """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            spec:
              appHttpPipeline:
                handlers:
                - name: uppercase
                  type: middleware.http.uppercase
                - name: oauth2clientcredentials
                  type: middleware.http.oauth2clientcredentials
            """);
        var app = await cluster.StartEchoAsync(appId, sandbox =>
        {
            sandbox.AddInMemory("statestore");
            sandbox.AddComponent("uppercase", ComponentYaml.Component("uppercase", "middleware.http.uppercase"));
            sandbox.AddComponent("oauth2clientcredentials", ComponentYaml.Component("oauth2clientcredentials", "middleware.http.oauth2clientcredentials",
                ("clientId", "client-e2e"), ("clientSecret", Secret), ("scopes", "orders.read"),
                ("tokenURL", _idp.BaseUrl + "/token"), ("headerName", "authorization")));
        }, extraArguments: ["--config", config]);

        for (var i = 0; i < 3; i++)
        {
            var echoed = await Echoed.ReadAsync(await app.Http.PostAsync($"/v1.0/invoke/{appId}/method/orders", new StringContent("hello app")));
            Assert.Equal(HttpStatusCode.OK, echoed.Status);
            Assert.Equal("HELLO APP", echoed.Body);
            Assert.Equal("Bearer app-token-1", echoed.Header("authorization"));
        }
        Assert.Equal(1, _tokens);

        // The runtime's own API is the httpPipeline's business, not the app pipeline's.
        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.PostAsync("/v1.0/state/statestore", new StringContent("""[{"key":"k","value":"lower"}]"""))).StatusCode);
        Assert.Equal("\"lower\"", await app.Http.GetStringAsync("/v1.0/state/statestore/k"));
        Assert.DoesNotContain(Secret, app.Runtime.Output);
        Assert.DoesNotContain("app-token-1", app.Runtime.Output);
    }
}
