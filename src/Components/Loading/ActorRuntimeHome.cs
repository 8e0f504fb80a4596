namespace ActorRuntime.Components.Loading;

/// <summary>
/// Where the runtime keeps its per-user files: <c>~/.actorrt</c> (the counterpart of Dapr's <c>~/.dapr</c>).
/// The <c>ACTORRT_HOME</c> environment variable points somewhere else (tests, several isolated installs).
/// </summary>
public static class ActorRuntimeHome
{
    public const string EnvVar = "ACTORRT_HOME";
    public const string DirectoryName = ".actorrt";

    /// <summary>The runtime home: <c>$ACTORRT_HOME</c> when set, else <c>~/.actorrt</c>. Not created.</summary>
    public static string Resolve()
    {
        var overridden = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrWhiteSpace(overridden)) return Path.GetFullPath(ResourceLoader.ExpandHome(overridden.Trim()));
        return ForUserHome(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
    }

    /// <summary><c>&lt;userHome&gt;/.actorrt</c>.</summary>
    public static string ForUserHome(string userHome) => Path.GetFullPath(Path.Combine(userHome, DirectoryName));

    /// <summary>Default resources folder (Dapr's <c>~/.dapr/components</c>).</summary>
    public static string ComponentsDirectory(string runtimeHome) => Path.Combine(runtimeHome, "components");

    /// <summary>Folder for embedded databases (state, cluster membership, reminders).</summary>
    public static string DataDirectory(string runtimeHome) => Path.Combine(runtimeHome, "data");

    /// <summary>SQLite file shared by every local process for cluster membership.</summary>
    public static string ClusterDatabase(string runtimeHome) => Path.Combine(DataDirectory(runtimeHome), "cluster.sqlite");
}
