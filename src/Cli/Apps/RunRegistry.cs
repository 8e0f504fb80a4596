using System.Globalization;
using System.Text.Json;
using ActorRuntime.Cli.Processes;
using ActorRuntime.Components.Loading;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// Records each running app under <c>~/.actorrt/run/{appId}.{pid}.json</c> so <c>actorrt stop</c> and
/// <c>actorrt list</c> can find the process that serves it. Several instances of one app id each have their own file.
/// </summary>
internal static class RunRegistry
{
    /// <summary>One running app. <see cref="Pid"/> is the <c>actorrt run</c> process (CLI and runtime in one).</summary>
    public sealed record Entry(string AppId, int Pid, int HttpPort, int GrpcPort, DateTimeOffset Started)
    {
        public int? AppPort { get; init; }
        public int? AppPid { get; init; }
        public string Command { get; init; } = "";
        public string? RunTemplatePath { get; init; }
        public string? AppLogPath { get; init; }
        public string? DaprdLogPath { get; init; }
    }

    private static string Folder => Path.Combine(ActorRuntimeHome.Resolve(), "run");

    private static string FileFor(string appId, int pid) => Path.Combine(Folder, $"{appId}.{pid.ToString(CultureInfo.InvariantCulture)}.json");

    public static void Write(Entry entry)
    {
        Directory.CreateDirectory(Folder);
        var file = FileFor(entry.AppId, entry.Pid);
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(entry));
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>Removes this process's entry for <paramref name="appId"/>.</summary>
    public static void Remove(string appId)
    {
        try { File.Delete(FileFor(appId, Environment.ProcessId)); }
        catch (IOException) { }
    }

    /// <summary>Entries whose process is still alive; stale files from killed runs are removed.</summary>
    public static IReadOnlyList<Entry> List()
    {
        if (!Directory.Exists(Folder)) return [];
        var live = new List<Entry>();
        foreach (var file in Directory.GetFiles(Folder, "*.json"))
        {
            if (Read(file) is { } e && IsAlive(e.Pid)) live.Add(e);
            else TryDelete(file);
        }
        return [.. live.OrderBy(e => e.Started).ThenBy(e => e.AppId, StringComparer.Ordinal)];
    }

    public static bool IsAlive(int pid) => ProcessTree.IsRunning(pid);

    private static Entry? Read(string file)
    {
        try { return JsonSerializer.Deserialize<Entry>(File.ReadAllText(file)); }
        catch (Exception ex) when (ex is IOException or JsonException) { return null; }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
