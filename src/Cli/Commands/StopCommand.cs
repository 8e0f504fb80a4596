using ActorRuntime.Cli.Apps;
using ActorRuntime.Cli.Processes;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt stop --app-id X</c> or <c>-f dapr.yaml</c>: asks the processes serving the apps to shut down (SIGTERM,
/// the same graceful stop as Ctrl+C) and waits for them, with <c>dapr stop</c>'s messages.
/// </summary>
internal static class StopCommand
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("app-id", "The app to stop; repeatable", false, "a"),
        new("run-file", "Stop every app started with this run file (or its folder)", false, "f"),
        new("help", "Show this help", true, "h"),
    ];

    public static async Task<int> ExecuteAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, Flags);
        if (cl.Has("help"))
        {
            Usage.PrintFlags("actorrt stop --app-id <id> | -f <dapr.yaml|folder>", Flags);
            return 0;
        }
        var ids = cl.GetAll("app-id").Concat(cl.AppCommand).ToList();
        var runFile = cl.Get("run-file");
        if (ids.Count == 0 && runFile is null) throw new UsageException("actorrt stop needs --app-id or -f");
        var entries = RunRegistry.List();
        var failed = 0;
        if (runFile is not null)
        {
            RunFile.Load(runFile, out var path);
            var pids = entries.Where(e => string.Equals(e.RunTemplatePath, path, StringComparison.Ordinal)).Select(e => e.Pid).Distinct().ToList();
            if (pids.Count == 0)
            {
                Console.Error.WriteLine($"❌  Failed to stop Dapr and app processes: couldn't find apps with run file \"{path}\"");
                failed++;
            }
            else if (await StopAsync(pids)) Console.WriteLine("✅  Dapr and app processes stopped successfully");
            else
            {
                Console.Error.WriteLine($"❌  Failed to stop Dapr and app processes: still running after {Wait.TotalSeconds:0} s");
                failed++;
            }
        }
        foreach (var id in ids)
        {
            var matches = entries.Where(e => e.AppId == id).ToList();
            // An app of a multi-app run shares its process with the others: only its runtime is asked to stop, as
            // `dapr stop` stops only that app's daprd then; a process serving just this app stops as a whole.
            var shared = matches.Where(e => entries.Count(o => o.Pid == e.Pid) > 1).ToList();
            var pids = matches.Except(shared).Select(e => e.Pid).Distinct().ToList();
            if (matches.Count == 0)
            {
                Console.Error.WriteLine($"❌  failed to stop app id {id}: couldn't find app id {id}");
                failed++;
            }
            else if (await StopAsync(pids) && await StopSharedAsync(shared)) Console.WriteLine($"✅  app stopped successfully: {id}");
            else
            {
                Console.Error.WriteLine($"❌  failed to stop app id {id}: still running after {Wait.TotalSeconds:0} s");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary><c>POST /v1.0/shutdown</c> to each app's runtime, then waits for its entry to go.</summary>
    private static async Task<bool> StopSharedAsync(IReadOnlyList<RunRegistry.Entry> apps)
    {
        if (apps.Count == 0) return true;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        if (Environment.GetEnvironmentVariable("DAPR_API_TOKEN") is { Length: > 0 } token) http.DefaultRequestHeaders.Add("dapr-api-token", token);
        foreach (var app in apps)
        {
            try { using var _ = await http.PostAsync(new Uri($"http://127.0.0.1:{app.HttpPort}/v1.0/shutdown"), null); }
            catch (HttpRequestException) { }
        }
        var deadline = DateTime.UtcNow + Wait;
        bool Running() => RunRegistry.List().Any(e => apps.Any(a => a.AppId == e.AppId && a.Pid == e.Pid));
        while (Running() && DateTime.UtcNow < deadline) await Task.Delay(100);
        return !Running();
    }

    private static async Task<bool> StopAsync(IReadOnlyList<int> pids)
    {
        ProcessTree.Signal(pids, ProcessTree.SigTerm);
        var deadline = DateTime.UtcNow + Wait;
        while (pids.Any(RunRegistry.IsAlive) && DateTime.UtcNow < deadline) await Task.Delay(100);
        return !pids.Any(RunRegistry.IsAlive);
    }
}
