using System.Globalization;
using System.Net;
using System.Text;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;

namespace ActorRuntime.EndToEnd.Tests.Observability;

/// <summary>
/// <c>actorrt silo</c> and <c>actorrt gateway</c> as separate processes each serve their own metrics endpoint, as each
/// daprd does: the gateway Dapr's API metrics for its app id, the silo Orleans' meters (and the grains' own).
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class ClusterMetricsTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly string _root = Directory.CreateTempSubdirectory("actorrt-obs-cluster-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    [Fact(Timeout = 300_000)]
    public async Task A_silo_and_a_gateway_each_serve_their_own_metrics()
    {
        var home = Path.Combine(_root, "home");
        var resources = Path.Combine(_root, "resources");
        Directory.CreateDirectory(resources);
        File.WriteAllText(Path.Combine(resources, "statestore.yaml"), ComponentYaml.InMemory("statestore"));
        var (siloMetrics, gatewayMetrics, http) = (CliProcess.FreePort(), CliProcess.FreePort(), CliProcess.FreePort());
        string P(int port) => port.ToString(CultureInfo.InvariantCulture);

        await using var silo = await CliProcess.StartAsync(home, null, "silo", "--silo-port", "0", "--gateway-port", "0", "--resources-path", resources,
            "--metrics-port", P(siloMetrics));
        await using var gateway = await CliProcess.StartAsync(home, null, "gateway", "--app-id", "obsgw", "--dapr-http-port", P(http),
            "--dapr-grpc-port", P(CliProcess.FreePort()), "--resources-path", resources, "--metrics-port", P(gatewayMetrics));
        await CliProcess.WaitHealthyAsync(_http, http, StartTimeout, gateway);
        for (var i = 0; i < 5; i++)
        {
            using var save = await _http.PostAsync($"http://127.0.0.1:{http}/v1.0/state/statestore",
                new StringContent($$"""[{"key":"c{{i}}","value":{{i}}}]""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        var g = await MetricsScrape.GetAsync(gatewayMetrics);
        Assert.True(g.Sum("dapr_component_state_count", ("app_id", "obsgw"), ("operation", "set")) >= 5, g.Text);
        Assert.True(g.Sum("dapr_http_server_request_count", ("app_id", "obsgw"), ("method", "POST")) >= 5, g.Text);
        var s = await MetricsScrape.GetAsync(siloMetrics);
        Assert.Contains(s.Samples, x => x.Name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(s.Samples, x => x.Name.StartsWith("dotnet_", StringComparison.Ordinal));
        Assert.DoesNotContain(s.Samples, x => x.Name == "dapr_http_server_request_count");
    }

    public void Dispose()
    {
        _http.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
