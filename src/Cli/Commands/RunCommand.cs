using System.Globalization;
using ActorRuntime.Cli.Apps;
using ActorRuntime.Cli.Hosting;
using ActorRuntime.Cli.Processes;
using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt run</c>: starts the runtime for one app (flags) or several (<c>-f dapr.yaml</c>), then each app's
/// command, and stops everything when the app exits, on SIGINT/SIGTERM, or on <c>POST /v1.0/shutdown</c>: the apps
/// and the gateways' in-flight requests get <c>--dapr-graceful-shutdown-seconds</c>, leaving the cluster about a
/// second more. It prints the status lines <c>dapr run</c> prints, which READMEs and scripts wait for.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, RunFlags.All);
        if (cl.Has("help"))
        {
            Usage.PrintRun();
            return 0;
        }
        string? runFile = null;
        IReadOnlyList<RunOptions> apps;
        var settings = RunOptionsBinder.FromAppSettingsAndEnvironment();
        if (cl.Get("run-file") is { } file) apps = RunFile.Load(file, out runFile, settings);
        else apps = [RunFlags.ToOptions(cl, settings)];
        var multi = runFile is not null;
        var cluster = Environment.GetEnvironmentVariable("ACTORRT_CLUSTER")?.ToLowerInvariant() == "inprocess"
            ? ClusterMode.InProcess : ClusterMode.Localhost;
        var now = DateTime.Now;
        var logs = multi
            ? apps.Select(a => AppLogs.ForRunFile(a.AppId, a.WorkingDirectory ?? Environment.CurrentDirectory, a.AppLogDestination, a.DaprdLogDestination, a.Command.Count > 0, now)).ToList()
            : [AppLogs.ToConsole()];
        // One process, one CA: the silo and every gateway of the run share the mTLS state (created on first use).
        var mtls = MtlsFlags.Resolve(cl, apps[0].ConfigFile, Components.Loading.ActorRuntimeHome.Resolve(), createCa: true);
        var options = apps.Select((a, i) => a with { RuntimeLog = logs[i].Runtime, Mtls = mtls }).ToList();
        var running = new ChildProcess?[options.Count];
        using var signals = new StopSignals(() =>
        {
            foreach (var r in running) r?.Kill();
            Environment.Exit(1);
        }).Register();
        try
        {
            return await RunAsync(options, logs, running, multi, runFile, cluster, signals);
        }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            return 0; // stopped while starting
        }
        finally
        {
            foreach (var a in options) RunRegistry.Remove(a.AppId);
            foreach (var r in running) if (r is not null) await r.DisposeAsync();
            foreach (var l in logs) l.Dispose();
        }
    }

    private static async Task<int> RunAsync(IReadOnlyList<RunOptions> apps, IReadOnlyList<AppLogs> logs, ChildProcess?[] running,
        bool multi, string? runFile, ClusterMode cluster, StopSignals signals)
    {
        var console = LineWriter.Console;
        if (!multi && apps[0].Command.Count == 0) console.WriteLine("WARNING: no application command found.");
        // Printed by earlier versions of `dapr run -f`; quickstart READMEs written then still wait for it.
        if (multi) AppLogs.Status(console, "⚠", "This is a preview feature and subject to change in future releases.");
        await using var runtime = await StandaloneRuntime.StartAsync(apps, cluster, signals.Token);
        if (apps[0].DashboardPort is { } dashboard) AppLogs.Status(console, "ℹ️", $"Orleans dashboard: {ObservabilityHosting.DashboardUrl(dashboard)}");
        for (var i = 0; i < apps.Count; i++)
        {
            var (app, log) = (apps[i], logs[i]);
            if (multi) AppLogs.Status(console, "ℹ️", $"Validating config and starting app \"{app.AppId}\"");
            var (http, grpc) = await runtime.StartGatewayAsync(i, signals.Token);
            AppLogs.Status(log.Runtime, "ℹ️", $"Starting Dapr with id {app.AppId}. HTTP Port: {http}. gRPC Port: {grpc}");
            if (app.Command.Count > 0)
                running[i] = AppProcess.Start(app.Command, app.WorkingDirectory, AppEnvironment(app, http, grpc),
                    multi ? $"== APP - {app.AppId} == " : "== APP == ", log.App);
            RunRegistry.Write(new RunRegistry.Entry(app.AppId, Environment.ProcessId, http, grpc, DateTimeOffset.UtcNow)
            {
                AppPort = app.AppPort,
                AppPid = running[i]?.Id,
                Command = string.Join(' ', app.Command),
                RunTemplatePath = runFile,
                AppLogPath = log.AppLogFile,
                DaprdLogPath = log.RuntimeLogFile,
            });
            if (multi)
            {
                if (app.Command.Count == 0)
                    AppLogs.Status(log.Runtime, "⚠", $"No application command found for app \"{app.AppId}\" present in {runFile}");
                AppLogs.Status(log.Runtime, "✅", "You're up and running! Dapr logs will appear here.\n");
                AppLogs.Status(console, "ℹ️", $"Started Dapr with app id \"{app.AppId}\". HTTP Port: {http}. gRPC Port: {grpc}");
                AppLogs.Status(console, "ℹ️", $"Writing log files to directory : {log.Directory}");
            }
            else if (running[i] is { } p)
            {
                AppLogs.Status(console, "ℹ️", $"Updating metadata for appPID: {p.Id}");
                AppLogs.Status(console, "ℹ️", $"Updating metadata for app command: {string.Join(' ', app.Command)}");
                AppLogs.Status(console, "✅", "You're up and running! Both Dapr and your app logs will appear here.\n");
            }
            else AppLogs.Status(console, "✅", "You're up and running! Dapr logs will appear here.\n");
        }

        var started = running.Where(r => r is not null).Select(r => r!.Exited).ToList();
        var appsDone = started.Count == 0 ? Task.Delay(Timeout.Infinite, signals.Token) : multi ? Task.WhenAll(started) : started[0];
        var stopped = new bool[apps.Count];
        if (multi) await StopAppsOneByOneAsync(runtime, apps, logs, running, stopped, appsDone, signals);
        else await Task.WhenAny(appsDone, runtime.AnyGatewayStopping, signals.Stopped);

        // The app ended by itself: report it as dapr does, and pass its exit code on.
        var appEnded = !multi && running[0] is { Exited.IsCompleted: true } && !signals.Token.IsCancellationRequested;
        if (appEnded) ReportAppExit(console, running[0]!.Exited.Result);
        if (multi)
        {
            console.WriteLine("");
            AppLogs.Status(console, "ℹ️", "Received signal to stop Dapr and app processes. Shutting down Dapr and app processes.");
            foreach (var l in logs.Where((_, i) => !stopped[i]))
            {
                AppLogs.Status(l.Runtime, "ℹ️", "\ntermination signal received: shutting down");
                if (!ReferenceEquals(l.App, l.Runtime)) AppLogs.Status(l.App, "ℹ️", "\ntermination signal received: shutting down");
            }
        }
        else AppLogs.Status(console, "ℹ️", "\nterminated signal received: shutting down");

        var grace = TimeSpan.FromSeconds(apps.Max(a => a.GracefulShutdownSeconds));
        var wasRunning = running.Select(r => r is { Exited.IsCompleted: false }).ToArray();
        await Task.WhenAll(running.Where(r => r is not null).Select(r => (Task)r!.StopAsync(grace)).Append(runtime.StopAsync(grace)));
        for (var i = 0; i < apps.Count; i++)
        {
            if (stopped[i]) continue;
            var writer = multi ? logs[i].Runtime : console;
            AppLogs.Status(writer, "✅", "Exited Dapr successfully");
            if (wasRunning[i]) AppLogs.Status(writer, "✅", "Exited App successfully");
        }
        return appEnded ? running[0]!.Exited.Result : 0;
    }

    /// <summary>
    /// A run file's apps stop one by one when their runtime is asked to (<c>actorrt stop --app-id X</c> or
    /// <c>POST /v1.0/shutdown</c>), as each <c>daprd</c> of <c>dapr run -f</c> does; the run ends on a signal, when
    /// every app has exited, or when every runtime has stopped.
    /// </summary>
    private static async Task StopAppsOneByOneAsync(StandaloneRuntime runtime, IReadOnlyList<RunOptions> apps, IReadOnlyList<AppLogs> logs,
        ChildProcess?[] running, bool[] stopped, Task appsDone, StopSignals signals)
    {
        while (!stopped.All(s => s))
        {
            var pending = Enumerable.Range(0, apps.Count).Where(i => !stopped[i]).ToList();
            var next = await Task.WhenAny(pending.Select(i => runtime.GatewayStopping[i]).Append(appsDone).Append(signals.Stopped));
            if (next == appsDone || signals.Token.IsCancellationRequested) return;
            foreach (var i in pending.Where(i => runtime.GatewayStopping[i].IsCompleted))
            {
                stopped[i] = true;
                var wasRunning = running[i] is { Exited.IsCompleted: false };
                AppLogs.Status(logs[i].Runtime, "ℹ️", "\ntermination signal received: shutting down");
                await Task.WhenAll((Task?)running[i]?.StopAsync(TimeSpan.FromSeconds(apps[i].GracefulShutdownSeconds)) ?? Task.CompletedTask,
                    runtime.StopGatewayAsync(i, TimeSpan.FromSeconds(apps[i].GracefulShutdownSeconds)));
                AppLogs.Status(logs[i].Runtime, "✅", "Exited Dapr successfully");
                if (wasRunning) AppLogs.Status(logs[i].Runtime, "✅", "Exited App successfully");
                RunRegistry.Remove(apps[i].AppId);
            }
        }
    }

    private static void ReportAppExit(LineWriter console, int code)
    {
        if (code == 0) AppLogs.Status(console, "✅", "Exited App successfully");
        else Console.Error.WriteLine($"❌  The App process exited with error code: exit status {code.ToString(CultureInfo.InvariantCulture)}");
    }

    private static Dictionary<string, string> AppEnvironment(RunOptions app, int http, int grpc)
    {
        var env = new Dictionary<string, string>(app.Environment)
        {
            ["DAPR_HTTP_PORT"] = http.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = grpc.ToString(CultureInfo.InvariantCulture),
            ["APP_ID"] = app.AppId,
        };
        if (app.AppPort is { } port) env["APP_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        return env;
    }
}
