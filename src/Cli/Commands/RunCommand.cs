using System.Globalization;
using System.Runtime.InteropServices;
using ActorRuntime.Cli.Apps;
using ActorRuntime.Cli.Hosting;
using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt run</c>: starts the runtime for one app (flags) or several (<c>-f dapr.yaml</c>), then each app's
/// command, and stops everything cleanly when the app exits, on SIGINT/SIGTERM, or on <c>POST /v1.0/shutdown</c>.
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
        var apps = cl.Get("run-file") is { } runFile ? RunFile.Load(runFile) : [RunFlags.ToOptions(cl)];
        var multi = apps.Count > 1 || cl.Has("run-file");
        var cluster = Environment.GetEnvironmentVariable("ACTORRT_CLUSTER")?.ToLowerInvariant() == "inprocess"
            ? ClusterMode.InProcess : ClusterMode.Localhost;

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        await using var runtime = await StandaloneRuntime.StartAsync(apps, cluster, stop.Token);
        var running = new List<(RunOptions App, AppProcess Process)>();
        foreach (var (app, _, http, grpc) in runtime.Gateways)
        {
            Console.WriteLine($"ℹ️  Starting runtime for app id '{app.AppId}': HTTP port {http}, gRPC port {grpc}" +
                (app.AppPort is { } p ? $", app port {p}" : ""));
            RunRegistry.Write(app.AppId, http, grpc);
            if (app.Command.Count == 0) continue;
            var env = new Dictionary<string, string>(app.Environment)
            {
                ["DAPR_HTTP_PORT"] = http.ToString(CultureInfo.InvariantCulture),
                ["DAPR_GRPC_PORT"] = grpc.ToString(CultureInfo.InvariantCulture),
                ["APP_ID"] = app.AppId,
            };
            if (app.AppPort is { } port) env["APP_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            var prefix = multi ? $"== APP - {app.AppId} == " : "== APP == ";
            running.Add((app, AppProcess.Start(app.Command, app.WorkingDirectory, env, prefix)));
        }
        Console.WriteLine(running.Count > 0
            ? "✅  You're up and running! Both the runtime and your app logs will appear here."
            : "✅  You're up and running! Runtime logs will appear here.");

        var appsDone = running.Count == 0
            ? Task.Delay(Timeout.Infinite, stop.Token)
            : multi ? Task.WhenAll(running.Select(r => r.Process.Exited)) : running[0].Process.Exited;
        await Task.WhenAny(appsDone, runtime.AnyGatewayStopping, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));

        Console.WriteLine("ℹ️  Shutting down");
        await Task.WhenAll(running.Select(r => r.Process.StopAsync(TimeSpan.FromSeconds(5))));
        foreach (var (app, _, _, _) in runtime.Gateways) RunRegistry.Remove(app.AppId);
        var exitCode = running.Count == 1 && running[0].Process.Exited.IsCompleted ? running[0].Process.Exited.Result : 0;
        foreach (var r in running) await r.Process.DisposeAsync();
        return exitCode;
    }
}
