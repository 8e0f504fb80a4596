namespace ActorRuntime.Cli.Commands;

internal static class Usage
{
    public static void Print()
    {
        Console.WriteLine("""
            actorrt: a Dapr-compatible runtime on Orleans

            Usage:
              actorrt run [flags] [-- <app command...>]   run the runtime beside an app
              actorrt run -f <dapr.yaml|folder>           run every app of a multi-app run file
              actorrt stop --app-id <id> | -f <file>      stop a running app and its runtime
              actorrt list                                list the apps running on this machine
              actorrt silo [flags]                        run a silo of a cluster (localhost, postgresql, redis)
              actorrt gateway --app-id <id> [flags]       run an app's gateway as a client of a cluster
              actorrt db init --store postgresql ...      create the cluster's tables ahead of time
              actorrt cluster up|down|list [flags]        run silos and gateways as local processes (see 'cluster --help')
              actorrt ca init|rotate-root|show [flags]    the certificate authority for mTLS (see 'ca --help')

            'actorrt run --help' lists the run flags.
            """);
    }

    public static void PrintRun() => PrintFlags("actorrt run [flags] [-- <app command...>]", RunFlags.All);

    public static void PrintFlags(string usage, IReadOnlyList<FlagSpec> flags)
    {
        Console.WriteLine($"Usage: {usage}\n\nFlags:");
        foreach (var f in flags)
        {
            var aliases = string.Join(", ", f.Aliases.Select(a => a.Length == 1 ? "-" + a : "--" + a));
            Console.WriteLine($"  --{f.Name,-28} {f.Help}{(aliases.Length > 0 ? $" (alias {aliases})" : "")}");
        }
    }
}
