using ActorRuntime.Cli.Apps;

namespace ActorRuntime.Cli.Commands;

/// <summary><c>actorrt stop --app-id X</c> (or <c>-f dapr.yaml</c>): asks the process serving the app to shut down, as <c>dapr stop</c>.</summary>
internal static class StopCommand
{
    private static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("app-id", "The app to stop; repeatable", false, "a"),
        new("run-file", "Stop every app of a run file", false, "f"),
    ];

    public static async Task<int> ExecuteAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, Flags);
        var ids = cl.GetAll("app-id").ToList();
        if (cl.Get("run-file") is { } file) ids.AddRange(RunFile.Load(file).Select(a => a.AppId));
        if (ids.Count == 0) throw new UsageException("actorrt stop needs --app-id or -f");
        var failed = 0;
        foreach (var id in ids)
        {
            var entry = RunRegistry.Find(id);
            if (entry is null || !RunRegistry.IsAlive(entry.Pid))
            {
                Console.Error.WriteLine($"❌  No running app with id '{id}'");
                failed++;
                continue;
            }
            _ = AppProcess.Kill(entry.Pid, 15);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (RunRegistry.IsAlive(entry.Pid) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Console.WriteLine(RunRegistry.IsAlive(entry.Pid) ? $"⚠️  App '{id}' is still stopping" : $"✅  App '{id}' stopped");
        }
        return failed == 0 ? 0 : 1;
    }
}
