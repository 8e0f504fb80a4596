using System.Diagnostics;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using Npgsql;

namespace ActorRuntime.Components.Tests.State.ChangeFeed;

/// <summary>The PostgreSQL store's change feed (a NOTIFY trigger and a LISTEN connection), against the real server.</summary>
public sealed class PostgresChangeFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly string _table = "state_feed_" + Guid.NewGuid().ToString("N");
    private readonly string _metaTable = "meta_feed_" + Guid.NewGuid().ToString("N");
    private PostgresStateStore _store = null!;
    private NpgsqlDataSource _sql = null!;

    public async Task InitializeAsync()
    {
        _sql = NpgsqlDataSource.Create(TestServers.Postgres);
        _store = NewStore();
        await _store.InitAsync(CancellationToken.None);
        await ChangeRecorder.WaitUntilWatchingAsync(_store, Deadline);
    }

    private PostgresStateStore NewStore() => new(TestServers.Component("state.postgresql",
        ("connectionString", TestServers.Postgres), ("tableName", _table), ("metadataTableName", _metaTable)));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await using (var drop = _sql.CreateCommand($"DROP TABLE IF EXISTS {_table}; DROP TABLE IF EXISTS {_metaTable};"))
            await drop.ExecuteNonQueryAsync();
        await _sql.DisposeAsync();
    }

    private async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = _sql.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task AnUpdateBehindTheStoresBack_IsReported_WithItsETag_WithinTheBound()
    {
        await _store.SetAsync(new StateWrite("k", "1"u8.ToArray()), CancellationToken.None);
        using var changes = new ChangeRecorder(_store);
        var etag = Guid.NewGuid();
        var sw = Stopwatch.StartNew();
        Assert.Equal(1, await ExecuteAsync($"UPDATE {_table} SET value = '2'::bytea, etag = @etag WHERE key = 'k'", ("etag", etag)));

        // The store's own earlier write may be reported too; the UPDATE is the one with its ETag.
        var change = await changes.WaitForAsync(c => c.Key == "k" && c.ETag == etag.ToString(), Deadline, "an outside UPDATE");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"reported after {sw.ElapsedMilliseconds} ms");
        Assert.False(change.Deleted);
    }

    [Fact]
    public async Task InsertsDeletesAndTruncates_AreReported()
    {
        using var changes = new ChangeRecorder(_store);
        await ExecuteAsync($"INSERT INTO {_table} (key, value, isbinary, etag) VALUES ('a||b', '1'::bytea, false, gen_random_uuid())");
        await changes.WaitForAsync(c => c.Key == "a||b" && c.ETag is not null, Deadline, "an INSERT");

        await ExecuteAsync($"DELETE FROM {_table} WHERE key = 'a||b'");
        await changes.WaitForAsync(c => c.Key == "a||b" && c.Deleted, Deadline, "a DELETE");

        await ExecuteAsync($"TRUNCATE {_table}");
        await changes.WaitForAsync(c => c.IsAll, Deadline, "a TRUNCATE");
    }

    [Fact]
    public async Task TheStoresOwnWrites_AreReported_WithTheETagsTheStoreReturned()
    {
        using var changes = new ChangeRecorder(_store);
        var etag = await _store.SetAsync(new StateWrite("own", "1"u8.ToArray()), CancellationToken.None);
        await changes.WaitForAsync(c => c.Key == "own" && c.ETag == etag, Deadline, "the store's own write");
        await _store.DeleteAsync(new StateDelete("own"), CancellationToken.None);
        await changes.WaitForAsync(c => c.Key == "own" && c.Deleted, Deadline, "the store's own delete");
    }

    [Fact]
    public async Task AfterTheListeningConnectionIsKilled_ItReconnects_AndEverythingIsReportedChanged()
    {
        using var changes = new ChangeRecorder(_store);
        string channel;
        await using (var q = _sql.CreateCommand($"SELECT 'actorrt_state_' || '{_table}'::regclass::oid::text"))
            channel = (string)(await q.ExecuteScalarAsync())!;
        await using (var kill = _sql.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = @listen"))
        {
            kill.Parameters.AddWithValue("listen", $"LISTEN \"{channel}\"");
            Assert.Equal(1L, (long)(await kill.ExecuteScalarAsync())!);
        }

        await changes.WaitForAsync(c => c.IsAll, Deadline, "the resync after a reconnect");
        await ChangeRecorder.WaitUntilWatchingAsync(_store, Deadline);
        await ExecuteAsync($"INSERT INTO {_table} (key, value, isbinary, etag) VALUES ('after', '1'::bytea, false, gen_random_uuid())");
        await changes.WaitForAsync(c => c.Key == "after", Deadline, "an INSERT after the reconnect");
    }

    [Fact]
    public async Task ASecondStoreOnTheSameTable_ReusesTheTrigger_AndBothHearOneWrite()
    {
        await using var second = NewStore();
        await second.InitAsync(CancellationToken.None);
        await ChangeRecorder.WaitUntilWatchingAsync(second, Deadline);
        using var first = new ChangeRecorder(_store);
        using var other = new ChangeRecorder(second);

        var etag = await second.SetAsync(new StateWrite("shared", "1"u8.ToArray()), CancellationToken.None);

        await first.WaitForAsync(c => c.Key == "shared" && c.ETag == etag, Deadline, "the write, in the first store");
        await other.WaitForAsync(c => c.Key == "shared" && c.ETag == etag, Deadline, "the write, in the second store");
        await using var count = _sql.CreateCommand($"SELECT count(*) FROM pg_trigger WHERE tgrelid = '{_table}'::regclass AND tgname LIKE 'actorrt_notify%'");
        Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
    }
}
