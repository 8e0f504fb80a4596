using System.Text.Json;
using ActorRuntime.Components.Loading;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// Records each running app under <c>~/.actorrt/run/{appId}.json</c> so <c>actorrt stop</c> and <c>actorrt list</c>
/// can find the process that serves it.
/// </summary>
internal static class RunRegistry
{
    public sealed record Entry(string AppId, int Pid, int HttpPort, int GrpcPort, DateTimeOffset Started);

    private static string Folder => Path.Combine(ActorRuntimeHome.Resolve(), "run");

    private static string FileFor(string appId) => Path.Combine(Folder, appId + ".json");

    public static void Write(string appId, int httpPort, int grpcPort)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(FileFor(appId), JsonSerializer.Serialize(new Entry(appId, Environment.ProcessId, httpPort, grpcPort, DateTimeOffset.UtcNow)));
    }

    public static void Remove(string appId)
    {
        var file = FileFor(appId);
        if (File.Exists(file) && Read(file)?.Pid == Environment.ProcessId) File.Delete(file);
    }

    public static Entry? Find(string appId) => File.Exists(FileFor(appId)) ? Read(FileFor(appId)) : null;

    /// <summary>Entries whose process is still alive; stale files from killed runs are removed.</summary>
    public static IReadOnlyList<Entry> List()
    {
        if (!Directory.Exists(Folder)) return [];
        var live = new List<Entry>();
        foreach (var file in Directory.GetFiles(Folder, "*.json"))
        {
            if (Read(file) is { } e && IsAlive(e.Pid)) live.Add(e);
            else File.Delete(file);
        }
        return live;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static Entry? Read(string file)
    {
        try { return JsonSerializer.Deserialize<Entry>(File.ReadAllText(file)); }
        catch (Exception ex) when (ex is IOException or JsonException) { return null; }
    }
}
