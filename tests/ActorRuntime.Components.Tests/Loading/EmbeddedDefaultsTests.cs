using ActorRuntime.Components.Loading;

namespace ActorRuntime.Components.Tests.Loading;

public sealed class EmbeddedDefaultsTests : IDisposable
{
    private readonly TempDir _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void First_run_writes_a_sqlite_actor_state_store_and_creates_the_data_folder()
    {
        var components = EmbeddedDefaults.EnsureDefaultComponents(_home.Path);

        Assert.Equal(Path.Combine(_home.Path, ".actorrt", "components"), components);
        Assert.True(Directory.Exists(Path.Combine(_home.Path, ".actorrt", "data")));
        var file = Path.Combine(components, "statestore.yaml");
        Assert.True(File.Exists(file));

        var c = ResourceLoader.LoadComponents([components], "any-app").Single(c => c.Name == "statestore");
        Assert.Equal("state.sqlite", c.Type);
        Assert.Equal(Path.Combine(_home.Path, ".actorrt", "data", "state.sqlite"), c.Metadata["connectionString"].Value);
        Assert.Equal("true", c.Metadata["actorStateStore"].Value);
    }

    [Fact]
    public void First_run_writes_a_durable_sqlite_pubsub_named_pubsub()
    {
        var components = EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        var c = ResourceLoader.LoadComponents([components], "any-app").Single(c => c.Name == "pubsub");
        Assert.Equal("pubsub.sqlite", c.Type);
        Assert.Equal(Path.Combine(_home.Path, ".actorrt", "data", "pubsub.sqlite"), c.Metadata["connectionString"].Value);
    }

    [Fact]
    public void A_home_set_up_before_pubsub_existed_gets_the_pubsub_default_once()
    {
        var components = EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        var pubsub = Path.Combine(components, "pubsub.yaml");
        File.Delete(pubsub);
        File.Delete(Path.Combine(_home.Path, ".actorrt", ".pubsub-default-written"));

        EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        Assert.True(File.Exists(pubsub));
        File.Delete(pubsub);
        EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        Assert.False(File.Exists(pubsub)); // deleted by the user: not brought back
    }

    [Fact]
    public void A_users_edit_is_never_overwritten()
    {
        var components = EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        var file = Path.Combine(components, "statestore.yaml");
        var edited = File.ReadAllText(file).Replace("state.sqlite", "state.in-memory");
        File.WriteAllText(file, edited);

        Assert.Equal(components, EmbeddedDefaults.EnsureDefaultComponents(_home.Path));
        Assert.Equal(edited, File.ReadAllText(file));
    }

    [Fact]
    public void A_deleted_default_is_not_brought_back()
    {
        var components = EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        var file = Path.Combine(components, "statestore.yaml");
        File.Delete(file);

        EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        Assert.False(File.Exists(file));
        Assert.True(Directory.Exists(components));
    }

    [Fact]
    public void An_existing_file_before_first_run_is_kept()
    {
        var pre = _home.Write(Path.Combine(".actorrt", "components", "statestore.yaml"), "# mine\n");
        EmbeddedDefaults.EnsureDefaultComponents(_home.Path);
        Assert.Equal("# mine\n", File.ReadAllText(pre));
    }

    [Fact]
    public void Concurrent_first_runs_write_one_valid_file()
    {
        Parallel.For(0, 8, _ => EmbeddedDefaults.EnsureDefaultComponents(_home.Path));
        var components = Path.Combine(_home.Path, ".actorrt", "components");
        Assert.Equal(["pubsub.yaml", "statestore.yaml"], Directory.GetFiles(components).Select(Path.GetFileName).Order());
        Assert.Equal(2, ResourceLoader.LoadComponents([components], "app").Count);
    }

    [Fact]
    public void Paths_with_quotes_and_backslashes_stay_valid_yaml()
    {
        var yaml = EmbeddedDefaults.StateStoreYaml(@"C:\Users\o'brien ""x""\state.sqlite");
        var doc = Assert.Single(ResourceLoader.ParseDocuments(yaml, "mem.yaml"));
        var c = ResourceLoader.ParseComponent(doc);
        Assert.Equal(@"C:\Users\o'brien ""x""\state.sqlite", c.Metadata["connectionString"].Value);
    }
}

[Collection(nameof(EnvironmentVariableTests))]
public sealed class ActorRuntimeHomeTests
{
    [Fact]
    public void ACTORRT_HOME_overrides_the_home_folder()
    {
        using var dir = new TempDir();
        var before = Environment.GetEnvironmentVariable(ActorRuntimeHome.EnvVar);
        try
        {
            var custom = Path.Combine(dir.Path, "custom-home");
            Environment.SetEnvironmentVariable(ActorRuntimeHome.EnvVar, custom);
            Assert.Equal(custom, ActorRuntimeHome.Resolve());
            var components = EmbeddedDefaults.EnsureDefaultComponents();
            Assert.Equal(Path.Combine(custom, "components"), components);
            Assert.True(File.Exists(Path.Combine(components, "statestore.yaml")));

            Environment.SetEnvironmentVariable(ActorRuntimeHome.EnvVar, null);
            var userHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(userHome, ".actorrt"), ActorRuntimeHome.Resolve());
        }
        finally
        {
            Environment.SetEnvironmentVariable(ActorRuntimeHome.EnvVar, before);
        }
    }
}
