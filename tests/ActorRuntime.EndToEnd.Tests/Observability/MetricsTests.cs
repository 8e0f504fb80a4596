using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Observability;

/// <summary>
/// The Prometheus endpoint of <c>actorrt run</c>: Dapr's metric names, types and labels, each family moving under load,
/// Dapr's cardinality rules from the Configuration file, and the switches that turn it off.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class MetricsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A runtime with the echo app, a state store, in-memory pub/sub subscribed by the app, an app retry policy and a metrics config.</summary>
    internal static async Task<(InvocationApp App, int MetricsPort)> StartObservedAppAsync(InvocationCluster cluster, string appId, params string[] extra)
    {
        var metricsPort = ObservabilityTools.FreePort();
        var config = Path.Combine(cluster.Root, appId + "-config.yaml");
        File.WriteAllText(config, """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: metrics
            spec:
              metrics:
                enabled: true
                http:
                  increasedCardinality: false
                  pathMatching:
                  - /v1.0/invoke/{app}/method/orders/{id}
                  - /orders/{id}
            """);
        var app = await cluster.StartEchoAsync(appId, s =>
        {
            s.AddInMemory("statestore");
            s.AddComponent("pubsub", ComponentYaml.Component("pubsub", "pubsub.in-memory"));
            s.AddComponent("envsecrets", ComponentYaml.Component("envsecrets", "secretstores.local.env"));
            File.WriteAllText(Path.Combine(s.Resources, "subscription.yaml"), $"""
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: orders-sub
                spec:
                  pubsubname: pubsub
                  topic: orders
                  routes:
                    default: /events
                scopes:
                - {appId}
                """);
            File.WriteAllText(Path.Combine(s.Resources, "resiliency.yaml"), $"""
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: observed
                spec:
                  policies:
                    retries:
                      quick:
                        policy: constant
                        duration: 50ms
                        maxRetries: 3
                  targets:
                    apps:
                      {appId}:
                        retry: quick
                """);
        }, ["--metrics-port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", config, .. extra]);
        return (app, metricsPort);
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_Dapr_metric_family_is_served_with_Daprs_name_and_type_and_moves_under_load()
    {
        await using var cluster = new InvocationCluster();
        var appId = InvocationCluster.NewAppId("metrics");
        var (app, port) = await StartObservedAppAsync(cluster, appId);
        var before = await MetricsScrape.GetAsync(port);

        await DriveLoadAsync(app);
        // Pub/sub delivery is asynchronous: wait (bounded) until the app has had the three events.
        var after = await WaitForScrapeAsync(port, s => s.Sum("dapr_component_pubsub_ingress_count", ("app_id", appId)) >= 3, app);

        string[] moving =
        [
            "dapr_http_server_request_count", "dapr_http_server_response_count", "dapr_http_server_latency_count",
            "dapr_http_server_request_bytes_count", "dapr_http_server_response_bytes_count",
            "dapr_http_client_completed_count", "dapr_http_client_roundtrip_latency_count", "dapr_http_client_sent_bytes_count",
            "dapr_http_client_received_bytes_count",
            "dapr_grpc_io_server_completed_rpcs", "dapr_grpc_io_server_server_latency_count",
            "dapr_grpc_io_server_received_bytes_per_rpc_count", "dapr_grpc_io_server_sent_bytes_per_rpc_count",
            "dapr_component_state_count", "dapr_component_state_latencies_count",
            "dapr_component_secret_count", "dapr_component_secret_latencies_count",
            "dapr_component_pubsub_egress_count", "dapr_component_pubsub_egress_latencies_count",
            "dapr_component_pubsub_ingress_count", "dapr_component_pubsub_ingress_latencies_count",
            "dapr_resiliency_count", "dapr_resiliency_activations_total",
        ];
        foreach (var name in moving)
        {
            var (b, a) = (before.Sum(name, ("app_id", appId)), after.Sum(name, ("app_id", appId)));
            output.WriteLine($"{name}: {b} -> {a}");
            Assert.True(a > b, $"{name} did not move under load ({b} -> {a})\n{after.Text}");
        }

        // Dapr's names on the wire: counters without _total (unless Dapr's own name has it), histograms in milliseconds without a unit suffix.
        Assert.Equal("counter", after.Types["dapr_http_server_request_count"]);
        Assert.Equal("histogram", after.Types["dapr_http_server_latency"]);
        Assert.Equal("counter", after.Types["dapr_component_state_count"]);
        Assert.Equal("histogram", after.Types["dapr_component_state_latencies"]);
        Assert.Equal("counter", after.Types["dapr_resiliency_activations_total"]);
        Assert.DoesNotContain(after.Samples, s => s.Name.StartsWith("dapr_", StringComparison.Ordinal) && s.Name.Contains("_milliseconds", StringComparison.Ordinal));
        Assert.Contains(after.Named("dapr_http_server_latency_bucket"), s => s.Labels.GetValueOrDefault("le") == "100000");

        // Labels as Dapr sets them.
        Assert.True(after.Sum("dapr_component_state_count", ("app_id", appId), ("component", "statestore"), ("operation", "set"), ("success", "true")) >= 20);
        Assert.True(after.Sum("dapr_component_state_count", ("app_id", appId), ("component", "statestore"), ("operation", "get"), ("success", "true")) >= 10);
        Assert.True(after.Sum("dapr_grpc_io_server_completed_rpcs", ("app_id", appId),
            ("grpc_server_method", "/dapr.proto.runtime.v1.Dapr/GetState"), ("grpc_server_status", "OK")) >= 10);
        Assert.True(after.Sum("dapr_component_secret_count", ("app_id", appId), ("component", "envsecrets"), ("operation", "get"), ("success", "true")) >= 1);
        Assert.True(after.Sum("dapr_component_pubsub_egress_count", ("app_id", appId), ("component", "pubsub"), ("topic", "orders"), ("success", "true")) >= 3);
        Assert.True(after.Sum("dapr_component_pubsub_ingress_count", ("app_id", appId), ("topic", "orders"), ("process_status", "success")) >= 3);
        Assert.True(after.Sum("dapr_resiliency_activations_total", ("app_id", appId), ("name", "observed"), ("policy", "retry"),
            ("flow_direction", "outbound"), ("target", "app_" + appId)) >= 1);

        // Orleans' own meters and the .NET runtime's are on the same endpoint.
        Assert.Contains(after.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(after.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact(Timeout = 300_000)]
    public async Task Low_cardinality_reports_matched_paths_as_their_pattern_and_drops_every_other_path()
    {
        await using var cluster = new InvocationCluster();
        var appId = InvocationCluster.NewAppId("cardinality");
        var (app, port) = await StartObservedAppAsync(cluster, appId);
        for (var i = 0; i < 5; i++)
        {
            using var r = await app.Http.PostAsync($"/v1.0/invoke/{appId}/method/orders/{i}", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var r = await app.Http.GetAsync("/v1.0/state/statestore/key-" + Guid.NewGuid())) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);

        var scrape = await MetricsScrape.GetAsync(port);
        var serverPaths = scrape.Named("dapr_http_server_request_count").Where(s => s.Labels["app_id"] == appId).Select(s => s.Labels["path"]).Distinct().ToList();
        output.WriteLine("server paths: " + string.Join(", ", serverPaths.Select(p => $"'{p}'")));
        Assert.Equal(5, scrape.Sum("dapr_http_server_request_count", ("app_id", appId), ("path", "/v1.0/invoke/{app}/method/orders/{id}"), ("method", "POST"), ("status", "200")));
        Assert.All(serverPaths, p => Assert.True(p is "" or "/v1.0/invoke/{app}/method/orders/{id}", $"unexpected path label '{p}'"));
        Assert.Equal(5, scrape.Sum("dapr_http_client_completed_count", ("app_id", appId), ("path", "/orders/{id}"), ("method", "POST"), ("status", "200")));
        Assert.DoesNotContain(scrape.Samples, s => s.Labels.TryGetValue("path", out var p) && (p.Contains("/orders/3", StringComparison.Ordinal) || p.Contains("key-", StringComparison.Ordinal)));
    }

    [Fact(Timeout = 300_000)]
    public async Task Metrics_are_off_with_the_flag_or_the_Configuration_and_the_default_port_moves_when_taken()
    {
        // Hold 9090 when it is free, so the default must move on and say so (another process may already hold it).
        TcpListener? holder = null;
        try
        {
            holder = new TcpListener(IPAddress.Loopback, 9090);
            holder.Start();
        }
        catch (SocketException)
        {
            holder = null;
        }
        try
        {
            using var sandbox = new RuntimeSandbox();
            sandbox.AddInMemory("statestore");
            await using var runtime = await RuntimeProcess.StartAsync(sandbox);
            var m = await WaitForOutputAsync(runtime, @"Metrics: Prometheus endpoint at http://127\.0\.0\.1:(\d+)/metrics");
            var port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            // When another process held 9090 instead of this test, it may have let it go before the runtime started:
            // then 9090 was free and taking it was right. Only a port we hold ourselves must be moved off.
            if (holder is not null) Assert.NotEqual(9090, port);
            if (port != 9090) Assert.Contains("port 9090 is taken", runtime.Output, StringComparison.Ordinal);
            Assert.Contains(runtime.AppId, (await MetricsScrape.GetAsync(port)).Text, StringComparison.Ordinal);
        }
        finally
        {
            holder?.Stop();
        }

        using (var off = new RuntimeSandbox())
        {
            var port = ObservabilityTools.FreePort();
            await using var runtime = await RuntimeProcess.StartAsync(off, new RuntimeStartOptions
            {
                ExtraArguments = ["--enable-metrics=false", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            });
            await AssertClosedAsync(port, runtime);
        }

        using (var configured = new RuntimeSandbox())
        {
            var port = ObservabilityTools.FreePort();
            var config = Path.Combine(configured.Root, "config.yaml");
            File.WriteAllText(config, "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: nometrics\nspec:\n  metrics:\n    enabled: false\n");
            await using var runtime = await RuntimeProcess.StartAsync(configured, new RuntimeStartOptions
            {
                ExtraArguments = ["--config", config, "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            });
            await AssertClosedAsync(port, runtime);
        }
    }

    private static async Task AssertClosedAsync(int port, RuntimeProcess runtime)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
        Assert.DoesNotContain("Metrics: Prometheus endpoint", runtime.Output, StringComparison.Ordinal);
    }

    /// <summary>State over HTTP and gRPC, invocations (one that the retry policy rescues), and three publishes.</summary>
    internal static async Task DriveLoadAsync(InvocationApp app)
    {
        var http = app.Http;
        for (var i = 0; i < 20; i++)
        {
            using var save = await http.PostAsync("/v1.0/state/statestore", new StringContent($$"""[{"key":"k{{i}}","value":{{i}}}]""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }
        using (var dapr = app.Runtime.CreateDaprClient())
            for (var i = 0; i < 10; i++)
                Assert.Equal(i, await dapr.GetStateAsync<int>("statestore", "k" + i));
        for (var i = 0; i < 5; i++)
        {
            using var r = await http.PostAsync($"/v1.0/invoke/{app.AppId}/method/orders/{i}", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var flaky = await http.GetAsync($"/v1.0/invoke/{app.AppId}/method/flaky/{Guid.NewGuid():N}?failures=1"))
            Assert.Equal(HttpStatusCode.OK, flaky.StatusCode);
        using (var secret = await http.GetAsync("/v1.0/secrets/envsecrets/PATH"))
            Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        for (var i = 0; i < 3; i++)
        {
            using var p = await http.PostAsync("/v1.0/publish/pubsub/orders", new StringContent($$"""{"order":{{i}}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, p.StatusCode);
        }
    }

    private static async Task<MetricsScrape> WaitForScrapeAsync(int port, Func<MetricsScrape, bool> done, InvocationApp app)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var last = await MetricsScrape.GetAsync(port);
        while (!done(last))
        {
            if (sw.Elapsed > Deadline) Assert.Fail($"metrics did not reach the expected values within {Deadline.TotalSeconds:0}s\n{last.Text}\n{app.Runtime.Describe()}");
            await Task.Delay(250);
            last = await MetricsScrape.GetAsync(port);
        }
        return last;
    }

    internal static async Task<Match> WaitForOutputAsync(RuntimeProcess runtime, string pattern)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var m = Regex.Match(runtime.Output, pattern);
            if (m.Success) return m;
            if (sw.Elapsed > Deadline) Assert.Fail($"the runtime never printed /{pattern}/\n{runtime.Describe()}");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ObservabilityCollection
{
    public const string Name = "observability";
}
