using System.Net;
using System.Text;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Lifecycle;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.EndToEnd.Tests.MultiProcess;

/// <summary>
/// Several runtimes on one machine, as a Dapr user runs them: a multi-app run file, separate `actorrt run`
/// terminals joining one cluster, `actorrt stop`, and a gateway that starts before any silo.
/// </summary>
[Collection(LifecycleCollection.Name)]
public sealed class MultiProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("actorrt-multi-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private string Home => Path.Combine(_root, "home");

    [Fact(Timeout = 240_000)]
    public async Task A_run_file_starts_every_app_with_its_own_gateway_environment_and_prefixed_output()
    {
        var resources = WriteInMemoryStore("resources");
        var (p1, p2) = (CliProcess.FreePort(), CliProcess.FreePort());
        Directory.CreateDirectory(Path.Combine(_root, "orders"));
        Directory.CreateDirectory(Path.Combine(_root, "checkout"));
        // Each app saves a key through its own gateway, reports what it got, and stays up until stopped.
        const string app = """
            const port = process.env.DAPR_HTTP_PORT;
            const res = await fetch(`http://127.0.0.1:${port}/v1.0/state/statestore`, { method: 'POST',
              headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ key: 'who', value: process.env.APP_ID }]) });
            console.log(`saved ${process.env.APP_ID} via ${port} status ${res.status} greeting ${process.env.GREETING}`);
            setInterval(() => {}, 1000);
            """;
        File.WriteAllText(Path.Combine(_root, "app.mjs"), app);
        File.WriteAllText(Path.Combine(_root, "dapr.yaml"), $"""
            version: 1
            common:
              resourcesPath: ./resources
              env:
                GREETING: hello
            apps:
              - appID: orders
                appDirPath: ./orders
                daprHTTPPort: {p1}
                daprGRPCPort: {CliProcess.FreePort()}
                command: ["node", "../app.mjs"]
              - appID: checkout
                appDirPath: ./checkout
                daprHTTPPort: {p2}
                daprGRPCPort: {CliProcess.FreePort()}
                command: ["node", "../app.mjs"]
            """);
        _ = resources;

        await using var run = await CliProcess.StartAsync(Home, _root, "run", "-f", ".");
        await run.WaitForLineAsync(l => l.StartsWith("== APP - orders == saved orders via " + p1 + " status 204 greeting hello"), StartTimeout);
        await run.WaitForLineAsync(l => l.StartsWith("== APP - checkout == saved checkout via " + p2 + " status 204 greeting hello"), StartTimeout);

        // Same store, default keyPrefix appid: each app reads its own value under the same key.
        Assert.Equal("\"orders\"", await _http.GetStringAsync($"http://127.0.0.1:{p1}/v1.0/state/statestore/who"));
        Assert.Equal("\"checkout\"", await _http.GetStringAsync($"http://127.0.0.1:{p2}/v1.0/state/statestore/who"));

        var exit = await run.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exit);
    }

    [Fact(Timeout = 240_000)]
    public async Task Separate_runs_join_one_machine_local_cluster_and_stop_stops_only_the_named_app()
    {
        var resources = WriteInMemoryStore("resources");
        var (pa, pb) = (CliProcess.FreePort(), CliProcess.FreePort());
        await using var a = await CliProcess.StartAsync(Home, null, "run", "--app-id", "alpha", "--dapr-http-port", pa.ToString(),
            "--dapr-grpc-port", CliProcess.FreePort().ToString(), "--resources-path", resources);
        await using var b = await CliProcess.StartAsync(Home, null, "run", "--app-id", "beta", "--dapr-http-port", pb.ToString(),
            "--dapr-grpc-port", CliProcess.FreePort().ToString(), "--resources-path", resources);
        await CliProcess.WaitHealthyAsync(_http, pa, StartTimeout, a);
        await CliProcess.WaitHealthyAsync(_http, pb, StartTimeout, b);

        // One cluster: both silos are active members of the membership table under ~/.actorrt.
        var active = ActiveSilos(Path.Combine(Home, "cluster", "membership.db"));
        Assert.True(active.Count == 2, $"expected 2 active silos, found: {string.Join(", ", active)}");

        var list = await RunToEndAsync("list");
        Assert.Contains("alpha", list);
        Assert.Contains("beta", list);

        var stop = await RunToEndAsync("stop", "--app-id", "alpha");
        Assert.Contains("app stopped successfully: alpha", stop);
        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(5))); // gone once stop returned; reaped here in a moment
        Assert.Equal(HttpStatusCode.NoContent, await CliProcess.HealthAsync(_http, pb));
        using var save = await _http.PostAsync($"http://127.0.0.1:{pb}/v1.0/state/statestore",
            new StringContent("""[{"key":"k","value":1}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        var missing = await RunToEndAsync("stop", "--app-id", "no-such-app");
        Assert.Contains("failed to stop app id no-such-app: couldn't find app id no-such-app", missing);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_gateway_started_before_any_silo_is_not_ready_until_one_joins()
    {
        var resources = WriteInMemoryStore("resources");
        var port = CliProcess.FreePort();
        await using var gateway = await CliProcess.StartAsync(Home, null, "gateway", "--app-id", "early", "--dapr-http-port", port.ToString(),
            "--dapr-grpc-port", CliProcess.FreePort().ToString(), "--resources-path", resources);

        // Kestrel answers while the Orleans client keeps looking for a silo: not ready, with Dapr's error.
        var deadline = DateTime.UtcNow + StartTimeout;
        HttpResponseMessage? notReady = null;
        while (DateTime.UtcNow < deadline && notReady is null)
        {
            try { notReady = await _http.GetAsync($"http://127.0.0.1:{port}/v1.0/healthz"); }
            catch (HttpRequestException) { await Task.Delay(200); }
        }
        Assert.NotNull(notReady);
        Assert.Equal(HttpStatusCode.InternalServerError, notReady.StatusCode);
        Assert.Contains("ERR_HEALTH_NOT_READY", await notReady.Content.ReadAsStringAsync());
        await Task.Delay(TimeSpan.FromSeconds(2)); // window: without a silo it must NOT turn ready
        Assert.Equal(HttpStatusCode.InternalServerError, await CliProcess.HealthAsync(_http, port));

        await using var silo = await CliProcess.StartAsync(Home, null, "silo", "--silo-port", "0", "--gateway-port", "0", "--resources-path", resources);
        await CliProcess.WaitHealthyAsync(_http, port, StartTimeout, gateway);
        using var save = await _http.PostAsync($"http://127.0.0.1:{port}/v1.0/state/statestore",
            new StringContent("""[{"key":"late","value":"served"}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("\"served\"", await _http.GetStringAsync($"http://127.0.0.1:{port}/v1.0/state/statestore/late"));
    }

    private string WriteInMemoryStore(string folder)
    {
        var dir = Path.Combine(_root, folder);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "statestore.yaml"), ComponentYaml.InMemory("statestore"));
        return dir;
    }

    private async Task<string> RunToEndAsync(params string[] args)
    {
        await using var p = await CliProcess.StartAsync(Home, null, args);
        await p.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return p.Output;
    }

    private static List<string> ActiveSilos(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT SiloName FROM OrleansMembershipTable WHERE Status = 3";
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }

    public void Dispose()
    {
        _http.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
