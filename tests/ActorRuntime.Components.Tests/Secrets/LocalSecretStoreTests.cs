using ActorRuntime.Components.Model;
using ActorRuntime.Components.Secrets;
using ActorRuntime.Components.Secrets.Stores;
using ActorRuntime.Components.Tests.Loading;

namespace ActorRuntime.Components.Tests.Secrets;

public sealed class LocalSecretStoreTests : IDisposable
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Json = """
        {
          "redisPassword": "p@ss",
          "connectionStrings": { "sql": "sql-cs", "mysql": "mysql-cs", "deep": { "x": "1" } },
          "port": 6379,
          "list": ["a", "b"]
        }
        """;

    private static ComponentDefinition Definition(string type, params (string Name, string Value)[] metadata) => new()
    {
        Name = "store",
        Type = type,
        SourceFile = "store.yaml",
        Metadata = metadata.ToDictionary(m => m.Name, m => new MetadataValue(m.Value), StringComparer.OrdinalIgnoreCase),
    };

    private async Task<LocalFileSecretStore> FileStore(params (string, string)[] extra)
    {
        var file = _dir.Write("secrets.json", Json);
        var store = new LocalFileSecretStore(Definition("secretstores.local.file", [("secretsFile", file), .. extra]));
        await store.InitAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task Single_valued_flattens_nested_keys_with_the_default_separator()
    {
        var store = await FileStore();
        Assert.Equal(new Dictionary<string, string> { ["redisPassword"] = "p@ss" }, await store.GetSecretAsync("redisPassword", NoMetadata, default));
        Assert.Equal("sql-cs", (await store.GetSecretAsync("connectionStrings:sql", NoMetadata, default))["connectionStrings:sql"]);
        Assert.Equal("1", (await store.GetSecretAsync("connectionStrings:deep:x", NoMetadata, default))["connectionStrings:deep:x"]);
        Assert.Equal("6379", (await store.GetSecretAsync("port", NoMetadata, default))["port"]);
        Assert.Equal("b", (await store.GetSecretAsync("list:1", NoMetadata, default))["list:1"]);
        // Not a secret in name/value mode: the object was flattened away.
        var e = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync("connectionStrings", NoMetadata, default));
        Assert.Equal("secret connectionStrings not found", e.Message);
        Assert.Empty(store.Capabilities);

        var bulk = await store.GetBulkSecretAsync(NoMetadata, default);
        Assert.Equal("mysql-cs", bulk["connectionStrings:mysql"]["connectionStrings:mysql"]);
        Assert.Equal(7, bulk.Count);
    }

    [Fact]
    public async Task A_custom_separator_is_used_when_flattening()
    {
        var store = await FileStore(("nestedSeparator", "."));
        Assert.Equal("sql-cs", (await store.GetSecretAsync("connectionStrings.sql", NoMetadata, default))["connectionStrings.sql"]);
    }

    [Fact]
    public async Task Multi_valued_makes_each_top_level_key_a_secret_with_its_entries_as_keys()
    {
        var store = await FileStore(("multiValued", "true"));
        var cs = await store.GetSecretAsync("connectionStrings", NoMetadata, default);
        Assert.Equal("sql-cs", cs["sql"]);
        Assert.Equal("mysql-cs", cs["mysql"]);
        Assert.Equal("1", cs["deep:x"]);
        Assert.Equal(new Dictionary<string, string> { ["redisPassword"] = "p@ss" }, await store.GetSecretAsync("redisPassword", NoMetadata, default));
        Assert.Equal([SecretStoreFeatures.MultipleKeyValuesPerSecret], store.Capabilities);
        Assert.Equal(4, (await store.GetBulkSecretAsync(NoMetadata, default)).Count);
    }

    [Fact]
    public async Task A_relative_secretsFile_is_relative_to_the_working_directory()
    {
        _dir.Write("rel/secrets.json", Json);
        var saved = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _dir.Path;
            var store = new LocalFileSecretStore(Definition("secretstores.local.file", ("secretsFile", "rel/secrets.json")));
            await store.InitAsync(default);
            Assert.Equal("p@ss", (await store.GetSecretAsync("redisPassword", NoMetadata, default))["redisPassword"]);
        }
        finally
        {
            Environment.CurrentDirectory = saved;
        }
    }

    [Fact]
    public async Task A_missing_or_invalid_file_names_the_field_but_not_the_content()
    {
        Assert.Contains("secretsFile", Assert.Throws<ComponentConfigurationException>(() => new LocalFileSecretStore(Definition("secretstores.local.file"))).Message);
        var missing = new LocalFileSecretStore(Definition("secretstores.local.file", ("secretsFile", Path.Combine(_dir.Path, "nope.json"))));
        var e = await Assert.ThrowsAsync<ComponentConfigurationException>(() => missing.InitAsync(default));
        Assert.Contains("field 'secretsFile'", e.Message);

        var bad = _dir.Write("bad.json", "{\"password\": \"hunter2-secret\", oops}");
        var broken = new LocalFileSecretStore(Definition("secretstores.local.file", ("secretsFile", bad)));
        e = await Assert.ThrowsAsync<ComponentConfigurationException>(() => broken.InitAsync(default));
        Assert.Contains("not valid JSON", e.Message);
        Assert.DoesNotContain("hunter2-secret", e.Message);
    }

    [Fact]
    public async Task Env_store_reads_prefixed_variables_and_hides_the_runtimes_own()
    {
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var prefix = $"ARTEST{tag}_";
        Environment.SetEnvironmentVariable(prefix + "TOKEN", "tok-value");
        Environment.SetEnvironmentVariable("DAPR_" + tag, "sidecar-only");
        try
        {
            var store = new LocalEnvSecretStore(Definition("secretstores.local.env", ("prefix", prefix)));
            await store.InitAsync(default);
            Assert.Equal(new Dictionary<string, string> { ["TOKEN"] = "tok-value" }, await store.GetSecretAsync("TOKEN", NoMetadata, default));
            Assert.Equal("", (await store.GetSecretAsync("ABSENT", NoMetadata, default))["ABSENT"]);
            var bulk = await store.GetBulkSecretAsync(NoMetadata, default);
            Assert.Equal("tok-value", Assert.Single(bulk).Value["TOKEN"]);

            var plain = new LocalEnvSecretStore(Definition("secretstores.local.env"));
            Assert.Equal("", (await plain.GetSecretAsync("DAPR_" + tag, NoMetadata, default))["DAPR_" + tag]);
            Assert.DoesNotContain("DAPR_" + tag, (await plain.GetBulkSecretAsync(NoMetadata, default)).Keys);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "TOKEN", null);
            Environment.SetEnvironmentVariable("DAPR_" + tag, null);
        }
    }
}
