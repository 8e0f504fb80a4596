using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.Loading;

namespace ActorRuntime.Components.Tests.Secrets;

/// <summary><c>secretKeyRef</c> entries resolved by the loader, in dependency order, with errors that never show a value.</summary>
public sealed class ComponentSecretResolverTests : IDisposable
{
    private const string Value = "s3cr3t-V4lue-9f2";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SecretsFile(string json = $$$"""{"redis": {"password": "{{{Value}}}"}, "other": "x", "files": {"second": "SECOND"}}""") =>
        _dir.Write("secrets/secrets.json", json);

    private void FileStore(string name, string file, string extra = "") => _dir.Write(name + ".yaml", $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata: {"{"}name: {name}{"}"}
        spec:
          type: secretstores.local.file
          metadata:
          - name: secretsFile
            value: {file}
        {extra}
        """);

    private void Consumer(string name, string secret, string? key, string? store, string field = "redisPassword") => _dir.Write(name + ".yaml", $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata: {"{"}name: {name}{"}"}
        spec:
          type: state.in-memory
          metadata:
          - name: {field}
            secretKeyRef:
              name: {secret}
              {(key is null ? "" : "key: " + key)}
        {(store is null ? "" : "auth:\n  secretStore: " + store)}
        """);

    private IReadOnlyList<ComponentDefinition> Load() => ResourceLoader.Load([_dir.Path], "app", processNamespace: "").Components;

    private ComponentConfigurationException LoadFails()
    {
        var e = Assert.Throws<ComponentConfigurationException>(Load);
        Assert.DoesNotContain(Value, e.ToString());
        return e;
    }

    [Fact]
    public void A_secretKeyRef_is_filled_from_the_named_store_and_the_instance_id_does_not_depend_on_the_value()
    {
        FileStore("files", SecretsFile(), "  - name: multiValued\n    value: \"true\"");
        Consumer("cache", "redis", "password", "files");
        var cache = Load().Single(c => c.Name == "cache");
        Assert.Equal(Value, cache.GetMetadata().GetString("redisPassword"));

        var unresolved = ResourceLoader.Load([_dir.Path], "app", processNamespace: "", resolveSecrets: false).Components.Single(c => c.Name == "cache");
        Assert.Null(unresolved.Metadata["redisPassword"].Value);
        Assert.Equal(unresolved.InstanceId, cache.InstanceId);
        Assert.DoesNotContain(Value, cache.InstanceId);
    }

    [Fact]
    public void Without_a_key_the_secret_name_is_the_key()
    {
        FileStore("files", SecretsFile());
        Consumer("cache", "other", null, "files");
        Assert.Equal("x", Load().Single(c => c.Name == "cache").GetMetadata().GetString("redisPassword"));
    }

    [Fact]
    public void A_secret_store_may_take_its_own_settings_from_another_store_loaded_after_it()
    {
        var second = _dir.Write("secrets/second.json", $$"""{"final": "{{Value}}"}""");
        SecretsFile($$"""{"path": "{{second.Replace("\\", "\\\\")}}"}""");
        // "a-chained" sorts (and loads) before "z-files", whose secret it needs.
        _dir.Write("a-chained.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: chained}
            spec:
              type: secretstores.local.file
              metadata:
              - name: secretsFile
                secretKeyRef: {name: path}
            auth: {secretStore: files}
            """);
        FileStore("z-files", Path.Combine(_dir.Path, "secrets", "secrets.json"));
        File.Move(Path.Combine(_dir.Path, "z-files.yaml"), Path.Combine(_dir.Path, "z-files.yaml.tmp"));
        File.WriteAllText(Path.Combine(_dir.Path, "z-files.yaml"), File.ReadAllText(Path.Combine(_dir.Path, "z-files.yaml.tmp")).Replace("name: z-files", "name: files"));
        File.Delete(Path.Combine(_dir.Path, "z-files.yaml.tmp"));
        Consumer("cache", "final", null, "chained");
        Assert.Equal(Value, Load().Single(c => c.Name == "cache").GetMetadata().GetString("redisPassword"));
    }

    [Fact]
    public void A_cycle_between_stores_is_an_error_naming_both()
    {
        foreach (var (name, other) in new[] { ("one", "two"), ("two", "one") })
            _dir.Write(name + ".yaml", $$"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata: {name: {{name}}}
                spec:
                  type: secretstores.local.file
                  metadata:
                  - name: secretsFile
                    secretKeyRef: {name: path}
                auth: {secretStore: {{other}}}
                """);
        var e = LoadFails();
        Assert.Contains("'one'", e.Message);
        Assert.Contains("'two'", e.Message);
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void A_missing_secret_names_file_component_field_and_secret_but_not_values()
    {
        FileStore("files", SecretsFile());
        Consumer("cache", "nope", "password", "files");
        var e = LoadFails();
        Assert.Contains("cache.yaml", e.Message);
        Assert.Contains("component 'cache'", e.Message);
        Assert.Contains("field 'redisPassword'", e.Message);
        Assert.Contains("secret 'nope'", e.Message);
        Assert.Contains("'files'", e.Message);
    }

    [Fact]
    public void A_missing_key_of_an_existing_secret_is_an_error_without_the_secrets_values()
    {
        FileStore("files", SecretsFile(), "  - name: multiValued\n    value: \"true\"");
        Consumer("cache", "redis", "user", "files");
        var e = LoadFails();
        Assert.Contains("key 'user'", e.Message);
    }

    [Fact]
    public void Without_auth_secretStore_there_is_no_default_store()
    {
        FileStore("files", SecretsFile());
        Consumer("cache", "other", null, store: null);
        var e = LoadFails();
        Assert.Contains("auth.secretStore", e.Message);
        Assert.Contains("field 'redisPassword'", e.Message);
    }

    [Fact]
    public void An_unknown_or_out_of_scope_store_is_an_error()
    {
        FileStore("files", SecretsFile(), "scopes: [other-app]");
        Consumer("cache", "other", null, "files");
        var e = LoadFails();
        Assert.Contains("secret store 'files'", e.Message);
        Assert.Contains("not loaded", e.Message);
    }

    [Fact]
    public void A_relative_secretsFile_resolves_against_the_apps_directory_of_a_run_file()
    {
        var appDir = _dir.Sub("order-processor");
        File.WriteAllText(Path.Combine(appDir, "secrets.json"), $$"""{"secret": "{{Value}}"}""");
        FileStore("localsecretstore", "secrets.json");
        Consumer("cache", "secret", null, "localsecretstore");
        var loaded = ResourceLoader.LoadComponents([_dir.Path], "app", appDirectory: appDir);
        Assert.Equal(Path.Combine(appDir, "secrets.json"), loaded.Single(c => c.Name == "localsecretstore").GetMetadata().GetString("secretsFile"));
        Assert.Equal(Value, loaded.Single(c => c.Name == "cache").GetMetadata().GetString("redisPassword"));
    }

    [Fact]
    public void A_component_that_rejects_a_value_from_a_secret_does_not_echo_it()
    {
        // actorStateStore must be true or false; the store's error would normally quote the bad value.
        FileStore("files", SecretsFile());
        Consumer("cache", "redis:password", null, "files", field: "actorStateStore");
        var cache = Load().Single(c => c.Name == "cache");
        var e = Assert.Throws<ComponentConfigurationException>(() => cache.GetMetadata().GetBool("actorStateStore", false));
        Assert.DoesNotContain(Value, e.ToString());
        Assert.Contains("value of secret 'redis:password'", e.Message);
        Assert.Contains("field 'actorStateStore'", e.Message);
    }
}
