using System.Net;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>Invocation of non-Dapr HTTP endpoints: by an <c>HTTPEndpoint</c> resource name, and by a percent-encoded URL.</summary>
[Collection(InvocationCollection.Name)]
public sealed class ExternalEndpointTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task HttpEndpoint_resources_and_url_targets_reach_a_plain_http_service()
    {
        await using var cluster = new InvocationCluster();
        // The "external" service is an EchoApp that the caller reaches on its own port, not through a gateway.
        var external = await cluster.StartEchoAsync(InvocationCluster.NewAppId("external"));
        var baseUrl = $"http://127.0.0.1:{external.AppPort}";
        var endpoint = $"""
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: billing
            spec:
              baseUrl: {baseUrl}
              headers:
              - name: x-billing-key
                value: secret-1
            """;
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("ext-caller"),
            s => File.WriteAllText(Path.Combine(s.Resources, "billing.yaml"), endpoint));

        using (var r = await caller.Http.PostAsync("/v1.0/invoke/billing/method/invoices/7?full=1", new StringContent("inv")))
        {
            var echo = await Echoed.ReadAsync(r);
            Assert.Equal(HttpStatusCode.OK, echo.Status);
            Assert.Equal(("POST", "/invoices/7", "?full=1", "inv"), (echo.Method, echo.Path, echo.Query, echo.Body));
            Assert.Equal("secret-1", echo.Header("x-billing-key"));
            Assert.NotNull(echo.Header("traceparent"));
        }

        var encoded = Uri.EscapeDataString(baseUrl);
        using (var r = await caller.Http.GetAsync($"/v1.0/invoke/{encoded}/method/status/418"))
        {
            output.WriteLine($"URL target: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            Assert.Equal((HttpStatusCode)418, r.StatusCode); // the service's own status passes back
        }
    }
}
