using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Observability;

/// <summary>
/// A real Prometheus server (Debian's package) scrapes a running runtime and answers PromQL over its HTTP API with
/// Dapr's metric names: what an operator's Prometheus does with daprd.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class PrometheusServerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact(Timeout = 600_000)]
    public async Task Prometheus_scrapes_the_runtime_and_answers_a_PromQL_query_on_Daprs_metric_names()
    {
        var (_, prometheusBin) = await ObservabilityTools.EnsureAsync();
        await using var cluster = new InvocationCluster();
        var appId = InvocationCluster.NewAppId("prom");
        var (app, metricsPort) = await MetricsTests.StartObservedAppAsync(cluster, appId);
        await MetricsTests.DriveLoadAsync(app);

        var promPort = ObservabilityTools.FreePort();
        var dir = Path.Combine(cluster.Root, "prometheus");
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
            - job_name: actorrt
              static_configs:
              - targets: ['127.0.0.1:{metricsPort}']
            """);
        var psi = new ProcessStartInfo(prometheusBin)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        foreach (var a in new[]
        {
            "--config.file=" + config, "--web.listen-address=127.0.0.1:" + promPort.ToString(CultureInfo.InvariantCulture),
            "--storage.tsdb.path=" + Path.Combine(dir, "data"), "--log.level=warn",
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var prometheus = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        prometheus.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        prometheus.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{promPort}"), Timeout = TimeSpan.FromSeconds(10) };
            var query = $"sum(dapr_component_state_count{{app_id=\"{appId}\",operation=\"set\"}})";
            var sw = Stopwatch.StartNew();
            string last = "no answer yet";
            while (true)
            {
                Assert.False(prometheus.HasExited, "prometheus exited:\n" + string.Join('\n', log));
                try
                {
                    var body = await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
                    last = body;
                    var result = JsonNode.Parse(body)!["data"]!["result"]!.AsArray();
                    if (result.Count == 1 && double.Parse(result[0]!["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture) >= 20)
                        break;
                }
                catch (HttpRequestException e)
                {
                    last = e.Message;
                }
                if (sw.Elapsed > Deadline) Assert.Fail($"Prometheus never answered {query} with >= 20; last: {last}\n{string.Join('\n', log)}");
                await Task.Delay(500);
            }
            output.WriteLine($"{query} → {last}");

            // The target is up, and the HTTP latency histogram is queryable as Dapr's dashboards query it.
            var up = JsonNode.Parse(await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString("up{job=\"actorrt\"}")))!["data"]!["result"]!.AsArray();
            Assert.Equal("1", up[0]!["value"]![1]!.GetValue<string>());
            var quantile = $"histogram_quantile(0.99, sum(rate(dapr_http_server_latency_bucket{{app_id=\"{appId}\"}}[1m])) by (le))";
            var q = JsonNode.Parse(await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(quantile)))!;
            Assert.Equal("success", q["status"]!.GetValue<string>());
            output.WriteLine($"{quantile} → {q.ToJsonString()}");
        }
        finally
        {
            if (!prometheus.HasExited) prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
    }
}
