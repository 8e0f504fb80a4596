using System.Diagnostics;
using System.Globalization;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Lifecycle;

namespace ActorRuntime.EndToEnd.Tests.MultiProcess;

/// <summary>
/// <c>actorrt run</c> starts and stops as <c>dapr run</c> does: the same status lines (READMEs checked with
/// mechanical-markdown wait for them), per-app log files for a run file, a stop within the grace period that takes
/// the app's whole process tree with it, exit code 0, <c>stop -f</c>, <c>list</c> and a restart.
/// </summary>
[Collection(LifecycleCollection.Name)]
public sealed class RunStopTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("actorrt-runstop-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private string Home => Path.Combine(_root, "home");

    [Fact(Timeout = 300_000)]
    public async Task Run_file_with_npm_apps_prints_daprs_lines_writes_log_files_and_stop_f_stops_it_fast()
    {
        var resources = WriteInMemoryStore();
        var ports = new Dictionary<string, (int Http, int Grpc)>();
        foreach (var app in new[] { "orders", "checkout" })
        {
            var dir = Path.Combine(_root, app);
            Directory.CreateDirectory(dir);
            // npm start → sh → node: the shape that used to leave node running after a stop.
            File.WriteAllText(Path.Combine(dir, "package.json"), $$"""{ "name": "{{app}}", "version": "1.0.0", "scripts": { "start": "node app.js" } }""");
            File.WriteAllText(Path.Combine(dir, "app.js"), """
                require('fs').writeFileSync('node.pid', String(process.pid));
                console.log(`ready ${process.env.APP_ID}`);
                setInterval(() => {}, 1000);
                """);
            ports[app] = (CliProcess.FreePort(), CliProcess.FreePort());
        }
        File.WriteAllText(Path.Combine(_root, "dapr.yaml"), $"""
            version: 1
            common:
              resourcesPath: {resources}
            apps:
              - appID: orders
                appDirPath: ./orders
                daprHTTPPort: {ports["orders"].Http}
                daprGRPCPort: {ports["orders"].Grpc}
                command: ["npm", "start"]
              - appID: checkout
                appDirPath: ./checkout
                daprHTTPPort: {ports["checkout"].Http}
                daprGRPCPort: {ports["checkout"].Grpc}
                command: ["npm", "start"]
            """);

        await using (var run = await CliProcess.StartAsync(Home, _root, "run", "-f", "."))
        {
            await run.WaitForLineAsync(l => l == "⚠  This is a preview feature and subject to change in future releases.", StartTimeout);
            foreach (var (app, (http, grpc)) in ports)
            {
                await run.WaitForLineAsync(l => l == $"ℹ️  Validating config and starting app \"{app}\"", StartTimeout);
                await run.WaitForLineAsync(l => l == $"ℹ️  Started Dapr with app id \"{app}\". HTTP Port: {http}. gRPC Port: {grpc}", StartTimeout);
                await run.WaitForLineAsync(l => l == $"ℹ️  Writing log files to directory : {Path.Combine(_root, app, ".dapr", "logs")}", StartTimeout);
                await run.WaitForLineAsync(l => l == $"== APP - {app} == ready {app}", StartTimeout);
            }
            // The runtime's own lines went to its log file (daprdLogDestination file), not the console.
            Assert.DoesNotContain("You're up and running! Dapr logs will appear here.", run.Output);
            Assert.DoesNotContain("MinimumReminderPeriod", run.Output);
            var logs = Path.Combine(_root, "orders", ".dapr", "logs");
            var appLog = Assert.Single(Directory.GetFiles(logs, "orders_app_*.log"));
            var daprdLog = Assert.Single(Directory.GetFiles(logs, "orders_daprd_*.log"));
            Assert.Matches(@"orders_app_\d{14}\.log$", appLog);
            Assert.Contains("ready orders", File.ReadAllText(appLog));
            Assert.Contains("You're up and running! Dapr logs will appear here.", File.ReadAllText(daprdLog));

            var list = await RunToEndAsync("list");
            Assert.Matches(@"APP ID +HTTP PORT +GRPC PORT +APP PORT +COMMAND +AGE +CREATED +DAPRD PID +CLI PID +APP PID", list);
            Assert.Contains(Path.Combine(_root, "dapr.yaml"), list);
            Assert.Contains("orders", list);

            var nodePids = ports.Keys.Select(a => int.Parse(File.ReadAllText(Path.Combine(_root, a, "node.pid")), CultureInfo.InvariantCulture)).ToList();

            // One app of the run stops alone (as dapr stop --app-id stops that app's daprd); the other serves on.
            var one = await RunToEndAsync("stop", "--app-id", "checkout");
            Assert.Contains("app stopped successfully: checkout", one);
            Assert.False(run.HasExited, "stopping one app of a run file stopped the whole run");
            Assert.Equal(System.Net.HttpStatusCode.NoContent, await CliProcess.HealthAsync(_http, ports["orders"].Http));
            Assert.Null(await CliProcess.HealthAsync(_http, ports["checkout"].Http));
            var checkoutNode = int.Parse(File.ReadAllText(Path.Combine(_root, "checkout", "node.pid")), CultureInfo.InvariantCulture);
            var gone = DateTime.UtcNow.AddSeconds(10);
            while (IsRunning(checkoutNode) && DateTime.UtcNow < gone) await Task.Delay(100);
            Assert.False(IsRunning(checkoutNode), "checkout's node survived actorrt stop --app-id checkout");
            Assert.DoesNotContain("checkout", await RunToEndAsync("list"));
            var clock = Stopwatch.StartNew();
            var stop = await RunToEndAsync("stop", "-f", ".");
            Assert.Contains("Dapr and app processes stopped successfully", stop);
            // Grace 5 s plus about a second to leave the cluster; the apps exit on SIGTERM, so far less in practice.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"stop -f took {clock.Elapsed}");
            // stop -f returned once the process was gone; our own handle may need a moment to reap it.
            Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(5)));
            foreach (var pid in nodePids) Assert.False(IsRunning(pid), $"node (pid {pid}) survived the stop");
            Assert.Contains("Received signal to stop Dapr and app processes. Shutting down Dapr and app processes.", run.Output);
            var daprdText = File.ReadAllText(daprdLog);
            Assert.Contains("Exited Dapr successfully", daprdText);
            Assert.Contains("Exited App successfully", daprdText);
        }

        Assert.Contains("No Dapr instances found.", await RunToEndAsync("list"));
        // And it starts again at once: nothing left behind holds a port or the cluster.
        await using var again = await CliProcess.StartAsync(Home, _root, "run", "-f", ".");
        await again.WaitForLineAsync(l => l == "== APP - checkout == ready checkout", StartTimeout);
        await CliProcess.WaitHealthyAsync(_http, ports["orders"].Http, StartTimeout, again);
        Assert.Equal(0, await again.StopAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact(Timeout = 240_000)]
    public async Task Sigterm_stops_a_single_run_within_the_grace_period_with_daprs_lines_and_exit_code_0()
    {
        var resources = WriteInMemoryStore();
        // An app that ignores SIGTERM: the run must still end, after the grace period, by killing it.
        File.WriteAllText(Path.Combine(_root, "stubborn.js"), """
            process.on('SIGTERM', () => console.log('got SIGTERM, ignoring it'));
            console.log('ready');
            setInterval(() => {}, 1000);
            """);
        var http = CliProcess.FreePort();
        await using var run = await CliProcess.StartAsync(Home, _root, "run", "--app-id", "stubborn", "--dapr-http-port", http.ToString(CultureInfo.InvariantCulture),
            "--dapr-grpc-port", CliProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--resources-path", resources,
            "--dapr-graceful-shutdown-seconds", "2", "--", "node", "stubborn.js");
        await run.WaitForLineAsync(l => l == "✅  You're up and running! Both Dapr and your app logs will appear here.", StartTimeout);
        await run.WaitForLineAsync(l => l == "== APP == ready", StartTimeout);
        Assert.Contains($"ℹ️  Starting Dapr with id stubborn. HTTP Port: {http}.", run.Output);
        Assert.DoesNotContain("MinimumReminderPeriod", run.Output);

        var clock = Stopwatch.StartNew();
        run.Signal(15);
        var code = await run.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var took = clock.Elapsed;
        Assert.Equal(0, code);
        Assert.True(took >= TimeSpan.FromSeconds(1.5), $"the app got no grace period: stopped after {took}");
        Assert.True(took < TimeSpan.FromSeconds(2 + 1 + 3), $"stop took {took} with a 2 s grace period");
        Assert.Contains("== APP == got SIGTERM, ignoring it", run.Output);
        var lines = run.Output.Split('\n');
        Assert.Contains("terminated signal received: shutting down", lines);
        Assert.Contains("✅  Exited Dapr successfully", lines);
        Assert.Contains("✅  Exited App successfully", lines);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_second_signal_stops_at_once()
    {
        var resources = WriteInMemoryStore();
        File.WriteAllText(Path.Combine(_root, "stubborn.js"), """
            process.on('SIGTERM', () => {});
            process.on('SIGINT', () => {});
            require('fs').writeFileSync('node.pid', String(process.pid));
            console.log('ready');
            setInterval(() => {}, 1000);
            """);
        await using var run = await CliProcess.StartAsync(Home, _root, "run", "--app-id", "twice", "--dapr-http-port", CliProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--dapr-grpc-port", CliProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--resources-path", resources,
            "--dapr-graceful-shutdown-seconds", "60", "--", "node", "stubborn.js");
        await run.WaitForLineAsync(l => l == "== APP == ready", StartTimeout);
        var node = int.Parse(File.ReadAllText(Path.Combine(_root, "node.pid")), CultureInfo.InvariantCulture);
        run.Signal(2);
        await run.WaitForLineAsync(l => l == "terminated signal received: shutting down", TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        run.Signal(2);
        await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"second Ctrl+C took {clock.Elapsed}");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (IsRunning(node) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.False(IsRunning(node), "the app survived a second Ctrl+C");
    }

    /// <summary>Running and not a zombie (a killed grandchild may wait a moment to be reaped by init).</summary>
    private static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
            }
            catch (IOException) { return false; }
        }
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string WriteInMemoryStore()
    {
        var dir = Path.Combine(_root, "resources");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "statestore.yaml"), ComponentYaml.InMemory("statestore"));
        return dir;
    }

    private async Task<string> RunToEndAsync(params string[] args)
    {
        await using var p = await CliProcess.StartAsync(Home, _root, args);
        await p.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return p.Output;
    }

    public void Dispose()
    {
        _http.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
