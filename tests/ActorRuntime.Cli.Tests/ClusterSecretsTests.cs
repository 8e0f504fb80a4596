using ActorRuntime.Cli.Commands;
using ActorRuntime.Cli.Hosting;
using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Tests;

/// <summary>Where the cluster secret and the API tokens come from, and that processes of one cluster agree on it.</summary>
public sealed class ClusterSecretsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-secrets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_machine_local_secret_is_made_once_readable_only_by_its_owner_and_shared_by_every_process()
    {
        var path = Path.Combine(_dir, "cluster", "secret");
        // Several first users at once must still end up with one secret.
        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ClusterSecrets.MachineLocal(path))));
        Assert.All(all, s => Assert.Equal(all[0], s));
        Assert.True(all[0].Length >= 32);
        Assert.Equal(all[0], ClusterSecrets.MachineLocal(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
    }

    [Fact]
    public void A_shared_cluster_derives_one_secret_from_any_form_of_its_connection_string()
    {
        var libpq = ClusterSecrets.Resolve(ClusterMode.PostgreSql, "host=db port=5432 user=u password=p dbname=d", "c1", _dir);
        var npgsql = ClusterSecrets.Resolve(ClusterMode.PostgreSql, "Host=db;Port=5432;Username=u;Password=p;Database=d", "c1", _dir);
        var other = ClusterSecrets.Resolve(ClusterMode.PostgreSql, "Host=db;Port=5432;Username=u;Password=q;Database=d", "c1", _dir);
        Assert.Equal(libpq, npgsql);
        Assert.NotEqual(libpq, other);
        Assert.NotEqual(libpq, ClusterSecrets.Resolve(ClusterMode.PostgreSql, "Host=db;Port=5432;Username=u;Password=p;Database=d", "c2", _dir));
        Assert.Equal(ClusterSecrets.Resolve(ClusterMode.Redis, "127.0.0.1:6390,password=x", "c1", _dir),
            ClusterSecrets.Resolve(ClusterMode.Redis, "redis://:x@127.0.0.1:6390", "c1", _dir));
    }

    [Fact]
    public void A_token_file_wins_and_its_trailing_newline_is_dropped()
    {
        var file = Path.Combine(_dir, "token");
        File.WriteAllText(file, "s3cret\n");
        Assert.Equal("s3cret", SecretFiles.Token("ACTORRT_TEST_UNSET_VARIABLE", file, "dapr-api-token-file"));
        File.WriteAllText(file, "  \n");
        var empty = Assert.Throws<UsageException>(() => SecretFiles.Token("ACTORRT_TEST_UNSET_VARIABLE", file, "dapr-api-token-file"));
        Assert.Contains("--dapr-api-token-file", empty.Message);
        var missing = Assert.Throws<UsageException>(() => SecretFiles.Token("ACTORRT_TEST_UNSET_VARIABLE", Path.Combine(_dir, "nope"), "dapr-api-token-file"));
        Assert.Contains("nope", missing.Message);
        Assert.Null(SecretFiles.Token("ACTORRT_TEST_UNSET_VARIABLE", null, "dapr-api-token-file"));
    }
}
