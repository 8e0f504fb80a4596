using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Components;

/// <summary>
/// Component files written the way Dapr's docs and quickstarts write them (libpq keyword/value and URL connection
/// strings for PostgreSQL, redisHost/redisPassword/redisDB for Redis) load under <c>actorrt run</c> and serve state.
/// </summary>
public sealed class DaprDocsComponentFilesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task State_stores_configured_as_in_Daprs_docs_save_and_read_back()
    {
        await ExternalServices.EnsureRedisAsync();
        await ExternalServices.EnsurePostgresAsync();
        var pg = new NpgsqlConnectionStringBuilder(ExternalServices.PostgresConnectionString);
        var (host, port, db, user) = (pg.Host ?? "127.0.0.1", pg.Port, pg.Database ?? "postgres", pg.Username ?? "postgres");
        var redis = ExternalServices.RedisHost;

        using var sandbox = new RuntimeSandbox();
        var stores = new Dictionary<string, string>
        {
            // The forms of Dapr's state.postgresql page and its quickstarts' components.
            ["pg-keywords"] = $"host={host} user={user} password=example port={port} connect_timeout=10 database={db}",
            ["pg-pgx-pool"] = $"user={user} password=docker host={host} port={port} dbname={db} pool_min_conns=1 pool_max_conns=10",
            ["pg-url"] = $"postgres://{user}:example@{host}:{port}/{db}?sslmode=disable&connect_timeout=10",
        };
        foreach (var (name, connectionString) in stores)
        {
            var table = sandbox.UniqueName("docs_" + name.Replace('-', '_'));
            sandbox.PostgresTables.Add(table);
            sandbox.PostgresTables.Add(table + "_meta");
            sandbox.AddComponent(name, ComponentYaml.Component(name, "state.postgresql",
                ("connectionString", connectionString), ("tableName", table), ("metadataTableName", table + "_meta")));
        }
        // Dapr's redis.yaml from `dapr init`, with a database number and timeouts in Dapr's forms.
        sandbox.AddComponent("redis-docs", ComponentYaml.Component("redis-docs", "state.redis",
            ("redisHost", redis), ("redisPassword", ""), ("redisDB", "1"), ("dialTimeout", "5s"), ("readTimeout", "3s"), ("actorStateStore", "true")));

        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        try
        {
            foreach (var name in stores.Keys.Append("redis-docs"))
            {
                var save = await runtime.Http.PostAsync($"/v1.0/state/{name}", StateHttp.Json("[{\"key\":\"order-1\",\"value\":{\"store\":\"" + name + "\"}}]"));
                Assert.True(save.StatusCode == HttpStatusCode.NoContent, $"{name}: {(int)save.StatusCode} {await save.Content.ReadAsStringAsync()}");
                var read = await runtime.Http.GetAsync($"/v1.0/state/{name}/order-1");
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal("{\"store\":\"" + name + "\"}", await read.Content.ReadAsStringAsync());
            }
        }
        catch
        {
            output.WriteLine(runtime.Describe());
            throw;
        }
        finally
        {
            await using (var cleanup = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=false"))
                await cleanup.GetDatabase(1).KeyDeleteAsync($"{sandbox.AppId}||order-1");
            await sandbox.CleanExternalDataAsync();
        }
    }

    [Fact]
    public async Task A_malformed_connection_string_stops_start_up_naming_the_field_without_the_password()
    {
        using var sandbox = new RuntimeSandbox();
        sandbox.AddComponent("broken", ComponentYaml.Component("broken", "state.postgresql",
            ("connectionString", "host=127.0.0.1 colour=blue password=s3cr3t-value")));
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { StartTimeout = TimeSpan.FromSeconds(60) });
        });
        output.WriteLine(e.Message);
        Assert.Contains("connectionString", e.Message);
        Assert.Contains("colour", e.Message);
        Assert.DoesNotContain("s3cr3t-value", e.Message);
    }
}
