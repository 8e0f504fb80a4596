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

            'actorrt run --help' lists the run flags.
            """);
    }

    public static void PrintRun()
    {
        Console.WriteLine("Usage: actorrt run [flags] [-- <app command...>]\n\nFlags:");
        foreach (var f in RunFlags.All)
        {
            var aliases = string.Join(", ", f.Aliases.Select(a => a.Length == 1 ? "-" + a : "--" + a));
            Console.WriteLine($"  --{f.Name,-28} {f.Help}{(aliases.Length > 0 ? $" (alias {aliases})" : "")}");
        }
    }
}
