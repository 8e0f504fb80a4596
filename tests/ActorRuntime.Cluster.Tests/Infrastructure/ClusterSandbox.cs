namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// A test's private corner: a temporary ACTORRT_HOME, a resources folder with one state store named
/// <c>statestore</c> (<c>keyPrefix: name</c>, so both gateways' apps address the same keys), a unique ClusterId, table
/// name and key stem, so runs never collide in the shared PostgreSQL and Redis. Cleaned up on dispose.
/// </summary>
public sealed class ClusterSandbox : IAsyncDisposable
{
    public ClusterSandbox(string kind)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        ClusterId = $"ct-{kind}-{id}";
        Table = $"ct_state_{id}";
        KeyStem = $"ct{id}";
        Root = Path.Combine(Path.GetTempPath(), "actorrt-cluster-tests", ClusterId);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Resources);
    }

    public string ClusterId { get; }
    public string Table { get; }
    public string KeyStem { get; }
    public string Root { get; }
    public string Home => Path.Combine(Root, "home");
    public string Resources => Path.Combine(Root, "resources");

    public ClusterSandbox WithPostgresStore()
    {
        File.WriteAllText(Path.Combine(Resources, "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "{Services.Postgres}"
                - name: tableName
                  value: {Table}
                - name: keyPrefix
                  value: name
                - name: actorStateStore
                  value: "true"
            """);
        return this;
    }

    public ClusterSandbox WithRedisStore()
    {
        File.WriteAllText(Path.Combine(Resources, "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              metadata:
                - name: redisHost
                  value: "{Services.Redis.Split(',')[0]}"
                - name: keyPrefix
                  value: name
                - name: actorStateStore
                  value: "true"
            """);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.CleanPostgresAsync(ClusterId, Table);
        await Services.CleanRedisAsync(ClusterId);
        await Services.CleanRedisAsync(KeyStem);
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
