using ActorRuntime.EndToEnd.Tests.Infrastructure;
using StackExchange.Redis;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>
/// One runtime with every kind of secret store: <c>localsecretstore</c> (local file, relative <c>secretsFile</c> as in
/// Dapr's quickstart), <c>multistore</c> (the same file, <c>multiValued</c>), <c>envstore</c> (environment, with a
/// prefix), <c>chained</c> (a file store whose <c>secretsFile</c> is itself a secret of <c>envstore</c>) and
/// <c>scoped</c> (limited by the Configuration's secret scopes); and <c>aclredis</c>, a Redis state store that logs in
/// as an ACL user whose name and password come from the file store. Every secret value is unique to the run, so the
/// runtime's output can be searched for it.
/// </summary>
public sealed class SecretsRuntimeFixture : IAsyncLifetime
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..10];

    public string FileSecret { get; } = "Y4nk33-D00dl3-" + Run;
    public string NestedSecret { get; } = "sql-conn-" + Run;
    public string EnvSecret { get; } = "env-tok-" + Run;
    public string ChainedSecret { get; } = "chained-" + Run;
    public string AclUser { get; } = "actorrt-e2e-" + Run;
    public string AclPassword { get; } = "acl-pw-" + Run;
    public string EnvPrefix { get; } = $"E2E{Run.ToUpperInvariant()}_";

    /// <summary>Every secret value the runtime handles.</summary>
    public IReadOnlyList<string> AllValues => [FileSecret, NestedSecret, EnvSecret, ChainedSecret, AclPassword];

    public string PgTable { get; private set; } = "";
    public RuntimeSandbox Sandbox { get; } = new();
    public RuntimeProcess Runtime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        await ExternalServices.EnsurePostgresAsync();
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost))
            await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", AclUser, "reset", "on", ">" + AclPassword, "~*", "&*", "+@all");

        // Relative to the runtime's working directory (the sandbox root), as `dapr run` resolves it.
        File.WriteAllText(Path.Combine(Sandbox.Root, "secrets.json"), $$"""
            {
              "secret": "{{FileSecret}}",
              "connectionStrings": { "sql": "{{NestedSecret}}", "mysql": "mysql-{{Run}}" },
              "redis": { "username": "{{AclUser}}", "password": "{{AclPassword}}" },
              "denied": "not-for-you"
            }
            """);
        var chainedFile = Path.Combine(Sandbox.Root, "chained.json");
        File.WriteAllText(chainedFile, $$"""{"deep": "{{ChainedSecret}}"}""");

        Sandbox.AddComponent("localsecretstore", ComponentYaml.Component("localsecretstore", "secretstores.local.file",
            ("secretsFile", "secrets.json"), ("nestedSeparator", ":")));
        Sandbox.AddComponent("multistore", ComponentYaml.Component("multistore", "secretstores.local.file",
            ("secretsFile", "secrets.json"), ("multiValued", "true")));
        Sandbox.AddComponent("envstore", ComponentYaml.Component("envstore", "secretstores.local.env", ("prefix", EnvPrefix)));
        Sandbox.AddComponent("scoped", ComponentYaml.Component("scoped", "secretstores.local.file", ("secretsFile", "secrets.json")));
        // A secret store configured from another secret store (loaded after it: files load in name order).
        Sandbox.AddComponent("a-chained", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: chained
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
              - name: secretsFile
                secretKeyRef:
                  name: CHAINFILE
            auth:
              secretStore: envstore
            """);
        Sandbox.AddComponent("aclredis", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: aclredis
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: {ExternalServices.RedisHost}
              - name: redisUsername
                secretKeyRef:
                  name: redis
                  key: username
              - name: redisPassword
                secretKeyRef:
                  name: redis
                  key: password
            auth:
              secretStore: multistore
            """);
        // A PostgreSQL state store whose whole connection string is a secret of the environment store.
        PgTable = Sandbox.UniqueName("secret_pg");
        Sandbox.PostgresTables.Add(PgTable);
        Sandbox.PostgresTables.Add(PgTable + "_meta");
        Sandbox.AddComponent("pgsecret", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pgsecret
            spec:
              type: state.postgresql
              version: v1
              metadata:
              - name: connectionString
                secretKeyRef:
                  name: PGCONN
              - name: tableName
                value: {PgTable}
              - name: metadataTableName
                value: {PgTable}_meta
            auth:
              secretStore: envstore
            """);
        var config = Path.Combine(Sandbox.Root, "config.yaml");
        File.WriteAllText(config, """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: secretsconfig
            spec:
              secrets:
                scopes:
                - storeName: scoped
                  defaultAccess: deny
                  allowedSecrets: ["secret"]
                - storeName: localsecretstore
                  defaultAccess: allow
                  deniedSecrets: ["denied"]
            """);

        Runtime = await RuntimeProcess.StartAsync(Sandbox, new RuntimeStartOptions
        {
            LogLevel = "debug",
            ExtraArguments = ["--config", config],
            Environment = new Dictionary<string, string>
            {
                [EnvPrefix + "TOKEN"] = EnvSecret,
                [EnvPrefix + "CHAINFILE"] = chainedFile,
                [EnvPrefix + "PGCONN"] = ExternalServices.PostgresConnectionString,
            },
        });
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Runtime is not null)
            {
                await Runtime.StopAsync(TimeSpan.FromSeconds(20));
                await Runtime.DisposeAsync();
            }
            await Sandbox.CleanExternalDataAsync();
        }
        finally
        {
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost))
                await redis.GetDatabase().ExecuteAsync("ACL", "DELUSER", AclUser);
            Sandbox.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SecretsRuntimeCollection : ICollectionFixture<SecretsRuntimeFixture>
{
    public const string Name = "secrets runtime";
}
