using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using Npgsql;

namespace ActorRuntime.Components.Tests.State;

/// <summary>One table per test run, dropped at the end, so runs never share rows.</summary>
public sealed class PostgresTableFixture : IAsyncLifetime
{
    public string TableName { get; } = "state_test_" + Guid.NewGuid().ToString("N");
    public string MetadataTableName { get; } = "metadata_test_" + Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS {TableName}; DROP TABLE IF EXISTS {MetadataTableName};");
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Needs the PostgreSQL from <c>scripts/services.sh start</c> (or ACTORRT_TEST_POSTGRES); fails when it is not there.</summary>
public sealed class PostgresStateStoreTests(PostgresTableFixture table) : StateStoreContractTests, IClassFixture<PostgresTableFixture>
{
    protected override IStateStore CreateStore() => NewStore();

    private PostgresStateStore NewStore(params (string, string)[] more) => new(TestServers.Component("state.postgresql",
        [("connectionString", TestServers.Postgres), ("tableName", table.TableName), ("metadataTableName", table.MetadataTableName), .. more]));

    protected override string WellFormedWrongETag => Guid.NewGuid().ToString();

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12")]
    public async Task NonUuidETag_IsInvalid_NotAMismatch(string etag)
    {
        await SetAsync("k", "v");

        await Assert.ThrowsAsync<ETagInvalidException>(() => SetAsync("k", "v2", etag));
        await Assert.ThrowsAsync<ETagInvalidException>(() => Store.DeleteAsync(new StateDelete(Key("k"), etag), Ct));
        await Assert.ThrowsAsync<ETagInvalidException>(() =>
            Store.ExecuteTransactionAsync([StateOperation.Upsert(new StateWrite(Key("k"), Bytes("v3"), etag))], Ct));
        Assert.Equal("v", await GetTextAsync("k"));
    }

    [Fact]
    public async Task SeveralStoresCreatingANewTableAtOnce_AllSucceed()
    {
        var fresh = "state_test_" + Guid.NewGuid().ToString("N");
        var stores = Enumerable.Range(0, 6).Select(_ => NewStore(("tableName", fresh))).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitAsync(Ct))).WaitAsync(StepTimeout);
            await stores[0].SetAsync(new StateWrite("k", Bytes("v")), Ct);
            Assert.NotNull(await stores[5].GetAsync("k", Ct));
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
            await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {fresh}");
            await drop.ExecuteNonQueryAsync(Ct);
        }
    }

    [Fact]
    public async Task Table_HasDaprsV2Columns()
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand(
            "SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position");
        command.Parameters.AddWithValue(table.TableName);
        var columns = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) columns.Add(reader.GetString(0));

        Assert.Equal(
            ["key:text", "value:bytea", "isbinary:boolean", "etag:uuid", "insertdate:timestamp with time zone",
             "updatedate:timestamp with time zone", "expiredate:timestamp with time zone"],
            columns);
    }

    [Fact]
    public async Task UnreachableServer_FailsInit()
    {
        await using var store = new PostgresStateStore(TestServers.Component("state.postgresql",
            ("connectionString", "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2")));

        await Assert.ThrowsAnyAsync<Exception>(() => store.InitAsync(Ct).WaitAsync(StepTimeout));
    }

    [Theory]
    [InlineData("tableName", "state; drop table x")]
    [InlineData("timeout", "soon")]
    [InlineData("connectionString", "Nonsense Keyword=1")]
    public void BadMetadata_NamesTheField(string field, string value)
    {
        var error = Assert.Throws<ComponentConfigurationException>(() => NewStore((field, value)));
        Assert.Equal(field, error.Field);
    }
}
