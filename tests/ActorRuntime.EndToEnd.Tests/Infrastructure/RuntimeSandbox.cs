namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Everything one runtime (and its restarts) keeps on disk: a temporary <c>ACTORRT_HOME</c>, a resources folder of
/// component files written by the test, and a data folder for SQLite files. A fresh, unique app id keeps Redis keys
/// and other shared data of parallel runs apart. Restarting a runtime in the same sandbox finds the same data.
/// </summary>
public sealed class RuntimeSandbox : IDisposable
{
    /// <param name="appId">The app id; a unique one when null.</param>
    /// <param name="home">
    /// An <c>ACTORRT_HOME</c> shared with other sandboxes (so their runtimes join one machine-local cluster); it is not
    /// deleted with this sandbox. Null gives the sandbox a private home under its root.
    /// </param>
    public RuntimeSandbox(string? appId = null, string? home = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        AppId = appId ?? "e2e-" + id;
        Root = Path.Combine(Path.GetTempPath(), "actorrt-e2e", id);
        _sharedHome = home;
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Resources);
        Directory.CreateDirectory(Data);
    }

    public string AppId { get; }
    public string Root { get; }
    private readonly string? _sharedHome;

    public string Home => _sharedHome ?? Path.Combine(Root, "home");
    public string Resources => Path.Combine(Root, "resources");
    public string Data => Path.Combine(Root, "data");

    /// <summary>A name unique to this sandbox, usable as a SQL table name.</summary>
    public string UniqueName(string stem) => $"{stem}_{AppId.Replace('-', '_')}";

    public RuntimeSandbox AddComponent(string name, string yaml)
    {
        File.WriteAllText(Path.Combine(Resources, name + ".yaml"), yaml);
        return this;
    }

    public RuntimeSandbox AddInMemory(string name) => AddComponent(name, ComponentYaml.InMemory(name));

    public RuntimeSandbox AddSqlite(string name) =>
        AddComponent(name, ComponentYaml.Sqlite(name, Path.Combine(Data, name + ".sqlite")));

    public RuntimeSandbox AddRedis(string name) => AddComponent(name, ComponentYaml.Redis(name, ExternalServices.RedisHost));

    public RuntimeSandbox AddPostgres(string name)
    {
        var table = UniqueName("state_" + name.Replace('-', '_'));
        PostgresTables.Add(table);
        PostgresTables.Add(table + "_meta");
        return AddComponent(name, ComponentYaml.Postgres(name, ExternalServices.PostgresConnectionString, table, table + "_meta"));
    }

    public List<string> PostgresTables { get; } = [];

    /// <summary>Removes this sandbox's Redis keys and PostgreSQL tables.</summary>
    public async Task CleanExternalDataAsync()
    {
        var yaml = Directory.GetFiles(Resources, "*.yaml").Select(File.ReadAllText).ToList();
        if (yaml.Any(y => y.Contains("state.redis", StringComparison.Ordinal))) await ExternalServices.DeleteRedisKeysAsync(AppId);
        if (PostgresTables.Count > 0) await ExternalServices.DropPostgresTablesAsync([.. PostgresTables]);
    }

    public void Dispose()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
