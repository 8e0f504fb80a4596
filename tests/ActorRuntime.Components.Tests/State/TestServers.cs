using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Tests.State;

/// <summary>
/// Where the Redis and PostgreSQL test servers are (<c>scripts/services.sh start</c> runs both on these defaults).
/// Tests against them fail, never skip, when the server is down: a silently skipped store is an untested store.
/// </summary>
internal static class TestServers
{
    public static string Redis => Environment.GetEnvironmentVariable("ACTORRT_TEST_REDIS") is { Length: > 0 } v ? v : "127.0.0.1:6390";

    public static string Postgres =>
        Environment.GetEnvironmentVariable("ACTORRT_TEST_POSTGRES") is { Length: > 0 } v
            ? v
            : "Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt";

    /// <summary>A component definition as the loader would build it; a later entry for the same name wins.</summary>
    public static ComponentDefinition Component(string type, params (string Name, string Value)[] metadata)
    {
        var values = new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in metadata) values[name] = new MetadataValue(value);
        return new ComponentDefinition { Name = "teststore", Type = type, Metadata = values };
    }
}
