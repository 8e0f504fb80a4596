using System.Collections.Concurrent;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.State;
using Npgsql;

namespace ActorRuntime.Components.Tests.ConfigurationStores;

/// <summary>
/// <c>configuration.postgresql</c> against the real PostgreSQL, with the table and trigger laid out as Dapr's docs tell
/// users to create them (the trigger notifies <c>{"table","action","data"}</c> on a channel).
/// </summary>
public sealed class PostgresConfigurationStoreTests : IAsyncLifetime
{
    private readonly string _table = "config_" + Guid.NewGuid().ToString("N")[..10];
    private string Channel => _table + "_ch";
    private static readonly Dictionary<string, string> NoMetadata = [];

    private async Task ExecAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task InitializeAsync() => ExecAsync($$"""
        CREATE TABLE {{_table}} (KEY VARCHAR NOT NULL, VALUE VARCHAR NOT NULL, VERSION VARCHAR NOT NULL, METADATA JSON);
        CREATE OR REPLACE FUNCTION {{_table}}_event() RETURNS TRIGGER AS $$
        DECLARE data json; notification json;
        BEGIN
          IF (TG_OP = 'DELETE') THEN data = row_to_json(OLD); ELSE data = row_to_json(NEW); END IF;
          notification = json_build_object('table', TG_TABLE_NAME, 'action', TG_OP, 'data', data);
          PERFORM pg_notify('{{Channel}}', notification::text);
          RETURN NULL;
        END; $$ LANGUAGE plpgsql;
        CREATE TRIGGER {{_table}}_trigger AFTER INSERT OR UPDATE OR DELETE ON {{_table}} FOR EACH ROW EXECUTE PROCEDURE {{_table}}_event();
        INSERT INTO {{_table}} VALUES ('orderId1', '101', '1', '{"tier": "gold"}'), ('orderId2', '102', '1', NULL);
        """);

    public Task DisposeAsync() => ExecAsync($"DROP TABLE IF EXISTS {_table}; DROP FUNCTION IF EXISTS {_table}_event();");

    private async Task<PostgresConfigurationStore> StoreAsync()
    {
        var store = new PostgresConfigurationStore(TestServers.Component("configuration.postgresql", ("connectionString", TestServers.Postgres), ("table", _table)));
        await store.InitAsync(default);
        return store;
    }

    [Fact]
    public async Task Get_reads_items_by_key_or_all()
    {
        await using var store = await StoreAsync();
        var some = await store.GetAsync(["orderId1", "absent"], NoMetadata, default);
        Assert.Equal("101", Assert.Single(some).Value.Value);
        Assert.Equal("1", some["orderId1"].Version);
        Assert.Equal("gold", some["orderId1"].Metadata["tier"]);
        Assert.Equal(2, (await store.GetAsync([], NoMetadata, default)).Count);
    }

    [Fact]
    public async Task A_subscription_sees_updates_and_deletes_of_its_keys_through_listen_notify()
    {
        await using var store = await StoreAsync();
        var seen = new ConcurrentQueue<(string Key, ConfigurationItem Item)>();
        var subscription = await store.SubscribeAsync(["orderId1"], new Dictionary<string, string> { ["pgNotifyChannel"] = Channel }, items =>
        {
            foreach (var (k, v) in items) seen.Enqueue((k, v));
            return Task.CompletedTask;
        }, default);
        await using (subscription)
        {
            await ExecAsync($"UPDATE {_table} SET VALUE = '111', VERSION = '2' WHERE KEY = 'orderId1'; UPDATE {_table} SET VALUE = '222' WHERE KEY = 'orderId2'; DELETE FROM {_table} WHERE KEY = 'orderId1';");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (seen.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal([("orderId1", "111", "2"), ("orderId1", "", "")], seen.Select(s => (s.Key, s.Item.Value, s.Item.Version)));
        }
    }

    [Fact]
    public async Task Subscribing_needs_the_channel_and_a_missing_table_stops_init()
    {
        await using var store = await StoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubscribeAsync([], NoMetadata, _ => Task.CompletedTask, default));
        var missing = new PostgresConfigurationStore(TestServers.Component("configuration.postgresql", ("connectionString", TestServers.Postgres), ("table", _table + "_nope")));
        await Assert.ThrowsAnyAsync<PostgresException>(() => missing.InitAsync(default));
        Assert.Contains("table", Assert.Throws<ComponentConfigurationException>(() =>
            new PostgresConfigurationStore(TestServers.Component("configuration.postgresql", ("connectionString", TestServers.Postgres), ("table", "x; drop")))).Message);
    }

    [Fact]
    public void Redis_values_split_on_the_first_double_bar()
    {
        Assert.Equal(("v", "3"), (RedisConfigurationStore.Parse("v||3").Value, RedisConfigurationStore.Parse("v||3").Version));
        Assert.Equal(("plain", ""), (RedisConfigurationStore.Parse("plain").Value, RedisConfigurationStore.Parse("plain").Version));
    }
}
