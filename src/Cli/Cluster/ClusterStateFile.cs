using System.Text.Json;
using System.Text.Json.Serialization;
using ActorRuntime.Components.Loading;

namespace ActorRuntime.Cli.Cluster;

/// <summary>
/// What <c>actorrt cluster up</c> runs, in <c>$ACTORRT_HOME/clusters/{clusterId}.json</c>: the supervisor's PID and
/// every child's PID and ports. <c>actorrt cluster down</c> and <c>actorrt cluster list</c> read it; tests and scripts
/// may too (the format is stable: camelCase JSON as below).
/// </summary>
internal static class ClusterStateFile
{
    public sealed record Member(string Name, string Role, int Pid, int? SiloPort, int? GatewayPort, string? AppId, int? HttpPort, int? GrpcPort, int? ExitCode);

    public sealed record State(string ClusterId, string Store, int SupervisorPid, DateTimeOffset Started, bool Ready, IReadOnlyList<string> ResourcesPaths, IReadOnlyList<Member> Processes);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Folder => Path.Combine(ActorRuntimeHome.Resolve(), "clusters");

    public static string FileFor(string clusterId) => Path.Combine(Folder, clusterId + ".json");

    public static void Write(State state)
    {
        Directory.CreateDirectory(Folder);
        var file = FileFor(state.ClusterId);
        var temp = file + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state, Json));
        File.Move(temp, file, overwrite: true);
    }

    public static State? Read(string file)
    {
        try { return JsonSerializer.Deserialize<State>(File.ReadAllText(file), Json); }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException) { return null; }
    }

    public static IReadOnlyList<(string File, State State)> All() =>
        !Directory.Exists(Folder)
            ? []
            : [.. Directory.GetFiles(Folder, "*.json").Select(f => (f, Read(f))).Where(x => x.Item2 is not null).Select(x => (x.f, x.Item2!))];

    /// <summary>Removes the file if it still describes the cluster of <paramref name="supervisorPid"/>.</summary>
    public static void Remove(string clusterId, int supervisorPid)
    {
        var file = FileFor(clusterId);
        if (File.Exists(file) && Read(file) is { } s && s.SupervisorPid == supervisorPid) File.Delete(file);
    }

    /// <summary>Alive, and (where /proc tells) an actorrt process rather than an unrelated one that reused the PID.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            if (p.HasExited) return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
        var cmdline = $"/proc/{pid}/cmdline";
        if (!File.Exists(cmdline)) return true;
        try
        {
            var text = File.ReadAllText(cmdline);
            // A zombie has an empty command line; it is gone for our purposes.
            return text.Contains("actorrt", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
