using System.Text;
using System.Text.Json;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// First-run defaults, like <c>dapr init</c>: a SQLite state store named <c>statestore</c> that is also the actor state
/// store, and a durable pub/sub named <c>pubsub</c> on another SQLite file, so a fresh machine runs actors and
/// publish/subscribe with no setup.
/// </summary>
/// <remarks>
/// Written once. A marker file records that defaults were written, so a component file the user edited is never
/// overwritten and one the user deleted is not brought back. Writes go through a temporary file and a rename
/// that never replaces, so two processes starting at the same moment cannot corrupt the file or each other's edits.
/// </remarks>
public static class EmbeddedDefaults
{
    public const string StateStoreFileName = "statestore.yaml";
    public const string StateStoreName = "statestore";
    public const string StateDatabaseFileName = "state.sqlite";
    /// <summary>Marker in the runtime home; its presence means the defaults were written once already.</summary>
    public const string MarkerFileName = ".defaults-written";
    public const string PubSubFileName = "pubsub.yaml";
    public const string PubSubName = "pubsub";
    public const string PubSubDatabaseFileName = "pubsub.sqlite";
    /// <summary>Its own marker: homes set up before pub/sub existed get the pub/sub default once too.</summary>
    public const string PubSubMarkerFileName = ".pubsub-default-written";

    /// <summary>
    /// Ensures the default components exist under <c>&lt;homeDir&gt;/.actorrt</c> and returns the components folder.
    /// <paramref name="homeDir"/> is the user's home directory.
    /// </summary>
    public static string EnsureDefaultComponents(string homeDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(homeDir);
        return EnsureDefaultComponentsIn(ActorRuntimeHome.ForUserHome(homeDir));
    }

    /// <summary>Same, in the runtime home resolved by <see cref="ActorRuntimeHome.Resolve"/> (honours <c>ACTORRT_HOME</c>).</summary>
    public static string EnsureDefaultComponents() => EnsureDefaultComponentsIn(ActorRuntimeHome.Resolve());

    /// <summary>Same, with the runtime home itself (the <c>.actorrt</c> folder) given.</summary>
    public static string EnsureDefaultComponentsIn(string runtimeHome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeHome);
        runtimeHome = Path.GetFullPath(runtimeHome);
        var components = ActorRuntimeHome.ComponentsDirectory(runtimeHome);
        var data = ActorRuntimeHome.DataDirectory(runtimeHome);
        Directory.CreateDirectory(components);
        Directory.CreateDirectory(data);

        var pubsubMarker = Path.Combine(runtimeHome, PubSubMarkerFileName);
        if (!File.Exists(pubsubMarker))
        {
            WriteIfAbsent(Path.Combine(components, PubSubFileName), PubSubYaml(Path.Combine(data, PubSubDatabaseFileName)));
            WriteIfAbsent(pubsubMarker, $"The default pub/sub component was written on {DateTimeOffset.UtcNow:O}.\n");
        }

        var marker = Path.Combine(runtimeHome, MarkerFileName);
        if (File.Exists(marker)) return components;

        var stateFile = Path.Combine(components, StateStoreFileName);
        WriteIfAbsent(stateFile, StateStoreYaml(Path.Combine(data, StateDatabaseFileName)));
        WriteIfAbsent(marker, $"Default components were written on {DateTimeOffset.UtcNow:O}.\n" +
                              "Delete this file to have missing defaults written again on the next start.\n");
        return components;
    }

    /// <summary>The default state store component, pointing at <paramref name="databaseFile"/>.</summary>
    public static string StateStoreYaml(string databaseFile)
    {
        // A JSON string literal is a valid YAML double-quoted scalar, which keeps Windows paths intact.
        var path = JsonSerializer.Serialize(databaseFile);
        var sb = new StringBuilder();
        sb.Append("# Written by actorrt on first run. Edit freely: it is never overwritten.\n");
        sb.Append("apiVersion: dapr.io/v1alpha1\n");
        sb.Append("kind: Component\n");
        sb.Append("metadata:\n");
        sb.Append("  name: ").Append(StateStoreName).Append('\n');
        sb.Append("spec:\n");
        sb.Append("  type: state.sqlite\n");
        sb.Append("  version: v1\n");
        sb.Append("  metadata:\n");
        sb.Append("  - name: connectionString\n");
        sb.Append("    value: ").Append(path).Append('\n');
        sb.Append("  - name: actorStateStore\n");
        sb.Append("    value: \"true\"\n");
        return sb.ToString();
    }

    /// <summary>The default pub/sub component (<c>pubsub.sqlite</c>), pointing at <paramref name="databaseFile"/>.</summary>
    public static string PubSubYaml(string databaseFile) =>
        "# Written by actorrt on first run. Edit freely: it is never overwritten.\n" +
        "# Durable: an acknowledged publish is on disk. For Dapr's Redis pub/sub use type pubsub.redis with redisHost.\n" +
        "apiVersion: dapr.io/v1alpha1\n" +
        "kind: Component\n" +
        "metadata:\n" +
        "  name: " + PubSubName + "\n" +
        "spec:\n" +
        "  type: pubsub.sqlite\n" +
        "  version: v1\n" +
        "  metadata:\n" +
        "  - name: connectionString\n" +
        "    value: " + JsonSerializer.Serialize(databaseFile) + "\n";

    private static void WriteIfAbsent(string path, string content)
    {
        if (File.Exists(path)) return;
        var temp = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process wrote it first: keep theirs.
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
