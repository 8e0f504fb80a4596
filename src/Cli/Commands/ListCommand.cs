using ActorRuntime.Cli.Apps;

namespace ActorRuntime.Cli.Commands;

/// <summary><c>actorrt list</c>: the apps running on this machine, as <c>dapr list</c>.</summary>
internal static class ListCommand
{
    public static int Execute()
    {
        var entries = RunRegistry.List();
        Console.WriteLine($"{"APP ID",-24} {"HTTP PORT",-10} {"GRPC PORT",-10} {"PID",-8} CREATED");
        foreach (var e in entries.OrderBy(e => e.AppId, StringComparer.Ordinal))
            Console.WriteLine($"{e.AppId,-24} {e.HttpPort,-10} {e.GrpcPort,-10} {e.Pid,-8} {e.Started.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        return 0;
    }
}
