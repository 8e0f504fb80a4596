using System.Text;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Components.Tests.State;

public sealed class SqliteStateStoreTests : StateStoreContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actorrt-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "state.db");

    protected override IStateStore CreateStore() => NewStore(DatabasePath);

    private static SqliteStateStore NewStore(string connectionString, params (string, string)[] more) =>
        new(TestServers.Component("state.sqlite", [("connectionString", connectionString), .. more]));

    protected override string WellFormedWrongETag => Guid.NewGuid().ToString();

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TwoStoresOnTheSameFile_SeeEachOthersWrites()
    {
        await using var other = NewStore($"Data Source={DatabasePath}");
        await other.InitAsync(Ct);

        var etag = await other.SetAsync(new StateWrite(Key("shared"), Bytes("from other")), Ct);
        Assert.Equal("from other", await GetTextAsync("shared"));

        await SetAsync("shared", "from this", etag);
        var seen = await other.GetAsync(Key("shared"), Ct);
        Assert.Equal("from this", Encoding.UTF8.GetString(seen!.Value));
        await Assert.ThrowsAsync<ETagMismatchException>(() => other.SetAsync(new StateWrite(Key("shared"), Bytes("stale"), etag), Ct));
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheFile()
    {
        var path = Path.Combine(_directory, "reopened.db");
        await using (var first = NewStore(path))
        {
            await first.InitAsync(Ct);
            await first.SetAsync(new StateWrite("durable", Bytes("v")), Ct);
        }

        await using var reopened = NewStore($"file:{path}?_pragma=busy_timeout(5000)");
        await reopened.InitAsync(Ct);

        Assert.Equal("v", Encoding.UTF8.GetString((await reopened.GetAsync("durable", Ct))!.Value));
    }

    [Fact]
    public async Task Table_HasDaprsColumns_InWalMode()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('state') ORDER BY cid";
        var columns = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) columns.Add(reader.GetString(0));
        command.CommandText = "PRAGMA journal_mode";
        var journal = (string?)await command.ExecuteScalarAsync(Ct);

        Assert.Equal(["key", "value", "is_binary", "etag", "expiration_time", "update_time"], columns);
        Assert.Equal("wal", journal);
    }

    [Fact]
    public async Task Connections_CommitDurably_AndWaitForLocks()
    {
        await using var database = SqliteDatabase.FromMetadata(TestServers.Component("state.sqlite",
            ("connectionString", DatabasePath), ("busyTimeout", "3s")).GetMetadata());
        await using var connection = await database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();

        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, await command.ExecuteScalarAsync(Ct)); // FULL
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(3000L, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Write_WaitsWhileAnotherConnectionHoldsTheWriteLock()
    {
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await other.OpenAsync(Ct);
        var lockHolder = other.BeginTransaction(deferred: false);

        var started = DateTime.UtcNow;
        var write = SetAsync("k", "v");
        // Also proves the wait does not block the caller: we get here while the write is still waiting.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(500), "SetAsync blocked its caller while waiting for the lock");
        await Task.Delay(300, Ct);
        Assert.False(write.IsCompleted, "the write went through while another connection held the write lock");

        lockHolder.Commit();
        await write;
        Assert.Equal("v", await GetTextAsync("k"));
    }

    [Fact]
    public async Task ReadsRowsWrittenByDapr_IncludingBase64BinaryAndPlainTimestamps()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            // Dapr's writer: JSON as text, binary base64 with is_binary=1, times from CURRENT_TIMESTAMP.
            command.CommandText = """
                INSERT INTO state VALUES (@k1, '{"a":1}', 0, 'e1', NULL, CURRENT_TIMESTAMP);
                INSERT INTO state VALUES (@k2, 'AAEC/w==', 1, 'e2', DATETIME(CURRENT_TIMESTAMP, '+1 hour'), CURRENT_TIMESTAMP);
                """;
            command.Parameters.AddWithValue("@k1", Key("json"));
            command.Parameters.AddWithValue("@k2", Key("binary"));
            await command.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal("{\"a\":1}", await GetTextAsync("json"));
        var binary = await GetAsync("binary");
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, binary!.Value);
        Assert.Equal("e2", binary.ETag);
        Assert.InRange(binary.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(58), DateTimeOffset.UtcNow.AddMinutes(61));
    }

    [Fact]
    public async Task InMemoryConnectionString_IsSharedByAllConnectionsOfTheStore()
    {
        await using var memory = NewStore(":memory:");
        await memory.InitAsync(Ct);

        await memory.SetAsync(new StateWrite("k", Bytes("v")), Ct);
        var reads = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => memory.GetAsync("k", Ct)));

        Assert.All(reads, r => Assert.Equal("v", Encoding.UTF8.GetString(r!.Value)));
    }

    [Theory]
    [InlineData("tableName", "drop table x")]
    [InlineData("busyTimeout", "soon")]
    [InlineData("cleanupInterval", "often")]
    public void BadMetadata_NamesTheField(string field, string value)
    {
        var error = Assert.Throws<ComponentConfigurationException>(() => NewStore(DatabasePath, (field, value)));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void MissingConnectionString_NamesTheField()
    {
        var error = Assert.Throws<ComponentConfigurationException>(() => new SqliteStateStore(TestServers.Component("state.sqlite")));
        Assert.Equal("connectionString", error.Field);
    }
}
