using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt db init --store postgresql --connection-string ...</c>: creates the cluster's tables (membership,
/// grain storage, reminders) ahead of time. Silos do the same at start-up; this is for a database admin who
/// prefers to do it once, by hand. Idempotent.
/// </summary>
internal static class DbCommand
{
    private static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("store", "postgresql or sqlite"),
        new("connection-string", "PostgreSQL: libpq (host=... user=... dbname=...), postgres:// URL or Npgsql form; SQLite: the file"),
        new("help", "Show this help", true, "h"),
    ];

    public static async Task<int> ExecuteAsync(string[] args)
    {
        if (args.FirstOrDefault() != "init") throw new UsageException("usage: actorrt db init --store postgresql --connection-string <...>");
        var cl = CommandLine.Parse(args[1..], Flags);
        if (cl.Has("help"))
        {
            Usage.PrintFlags("actorrt db init [flags]", Flags);
            return 0;
        }
        var store = cl.Get("store") ?? throw new UsageException("--store is required (postgresql or sqlite)");
        var connection = cl.Get("connection-string") ?? Environment.GetEnvironmentVariable("ACTORRT_CLUSTER_CONNECTION")
            ?? throw new UsageException("--connection-string is required");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        IReadOnlyList<string> applied;
        try { applied = await ActorRuntimeDatabase.InitializeAsync(store, connection, timeout.Token); }
        catch (ArgumentException e) when (e.InnerException is Components.Connections.ConnectionStringException)
        {
            throw new UsageException(e.Message);
        }
        Console.WriteLine($"✅  Schemas ready: {string.Join(", ", applied)}");
        return 0;
    }
}
