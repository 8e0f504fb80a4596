using ActorRuntime.Silo.Clustering;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// The SQLite clustering SQL on its own, called the way Orleans' ADO.NET provider calls it: the query text from
/// <c>OrleansQuery</c>, parameters named without '@', answers read by column name.
/// </summary>
public sealed class SqliteClusteringSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-schema-").FullName;
    private string Db => Path.Combine(_dir, "nested", "cluster.sqlite");
    private const string Cluster = "c1";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void Apply_creates_the_file_installs_every_query_key_and_is_idempotent()
    {
        SqliteClusteringSchema.Apply(Db);
        SqliteClusteringSchema.Apply(Db);
        Assert.True(File.Exists(Db));
        Assert.Equal(SqliteClusteringSchema.QueryKeys.Order(StringComparer.Ordinal), SqliteClusteringSchema.InstalledQueryKeys(Db));
        Assert.Equal("wal", Scalar("PRAGMA journal_mode;"));
    }

    [Fact]
    public void Concurrent_applies_all_succeed()
    {
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => SqliteClusteringSchema.Apply(Db));
        Assert.Equal(SqliteClusteringSchema.QueryKeys.Count, SqliteClusteringSchema.InstalledQueryKeys(Db).Count);
    }

    [Fact]
    public void Script_uses_only_the_keys_orleans_reads()
    {
        var script = SqliteClusteringSchema.Script();
        foreach (var key in SqliteClusteringSchema.QueryKeys) Assert.Contains($"'{key}'", script);
    }

    [Fact]
    public void Version_row_is_created_once()
    {
        SqliteClusteringSchema.Apply(Db);
        Assert.Equal(1L, Run("InsertMembershipVersionKey", ("DeploymentId", Cluster)));
        Assert.Equal(0L, Run("InsertMembershipVersionKey", ("DeploymentId", Cluster)));
    }

    [Fact]
    public void Read_all_returns_the_version_row_even_without_members()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        var rows = Read("MembershipReadAllKey", ("DeploymentId", Cluster));
        var row = Assert.Single(rows);
        Assert.Equal(DBNull.Value, row["StartTime"]);
        Assert.Equal(0L, row["Version"]);
    }

    [Fact]
    public void Insert_and_update_check_and_bump_the_table_version()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));

        Assert.Equal(0L, Insert(port: 1, version: 7)); // stale version: nothing happens
        Assert.Equal(0L, TableVersion());
        Assert.Equal(1L, Insert(port: 1, version: 0));
        Assert.Equal(1L, TableVersion());
        Assert.Equal(0L, Insert(port: 1, version: 1)); // same silo again: refused, version unchanged
        Assert.Equal(1L, TableVersion());
        Assert.Equal(1L, Insert(port: 2, version: 1));
        Assert.Equal(2L, TableVersion());

        Assert.Equal(0L, Update(port: 1, status: 6, version: 1)); // stale
        Assert.Equal(3L, Status(1));
        Assert.Equal(2L, TableVersion());
        Assert.Equal(0L, Update(port: 99, status: 6, version: 2)); // no such row: version not bumped
        Assert.Equal(2L, TableVersion());
        Assert.Equal(1L, Update(port: 1, status: 6, version: 2, suspect: "S127.0.0.1:2:1,2024-01-01 00:00:00.000 GMT"));
        Assert.Equal(6L, Status(1));
        Assert.Equal(3L, TableVersion());

        var all = Read("MembershipReadAllKey", ("DeploymentId", Cluster));
        Assert.Equal(2, all.Count);
        Assert.All(all, r => Assert.Equal(3L, r["Version"]));
        var one = Assert.Single(Read("MembershipReadRowKey", ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 2), ("Generation", 1)));
        Assert.Equal(2L, one["Port"]);
        Assert.Equal("silo-2", one["SiloName"]);
    }

    [Fact]
    public void Heartbeat_updates_only_the_row()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        var later = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Run("UpdateIAmAlivetimeKey", ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1), ("IAmAliveTime", later));
        var row = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(later, DateTime.Parse((string)row["IAmAliveTime"]));
        Assert.Equal(1L, TableVersion());
    }

    [Fact]
    public void Gateways_are_active_silos_with_a_proxy_port()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0, proxyPort: 30001);
        Insert(port: 2, version: 1, proxyPort: 0);
        Insert(port: 3, version: 2, proxyPort: 30003);
        Update(port: 3, status: 6, version: 3);
        var gateways = Read("GatewaysQueryKey", ("DeploymentId", Cluster), ("Status", 3));
        var g = Assert.Single(gateways);
        Assert.Equal(30001L, g["ProxyPort"]);
        Assert.Equal("127.0.0.1", g["Address"]);
    }

    [Fact]
    public void Cleanup_of_one_row_deletes_it_only_while_dead_and_unchanged()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        var row = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        var start = DateTime.Parse((string)row["StartTime"]);
        var alive = DateTime.Parse((string)row["IAmAliveTime"]);

        (string, object)[] Args(DateTime a) =>
        [
            ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1),
            ("SuspectTimes", DBNull.Value), ("StartTime", start), ("IAmAliveTime", a),
        ];

        Run("CleanupDefunctSiloEntryKey", Args(alive)); // still Active: kept
        Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));

        Update(port: 1, status: 6, version: 1);
        alive = DateTime.Parse((string)Read("MembershipReadAllKey", ("DeploymentId", Cluster))[0]["IAmAliveTime"]);
        Run("CleanupDefunctSiloEntryKey", Args(alive.AddSeconds(-1))); // heartbeat differs: kept
        Assert.Equal(1L, Read("MembershipReadAllKey", ("DeploymentId", Cluster))[0]["Port"]);

        Run("CleanupDefunctSiloEntryKey", Args(alive));
        var after = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(DBNull.Value, after["StartTime"]);
    }

    [Fact]
    public void Bulk_cleanup_removes_old_rows_that_are_not_active()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        Insert(port: 2, version: 1);
        Update(port: 2, status: 6, version: 2);
        Run("CleanupDefunctSiloEntriesKey", ("DeploymentId", Cluster), ("IAmAliveTime", DateTime.UtcNow.AddMinutes(1)));
        var left = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(1L, left["Port"]);
    }

    [Fact]
    public void Delete_forgets_the_cluster()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        Run("DeleteMembershipTableEntriesKey", ("DeploymentId", Cluster));
        Assert.Empty(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
    }

    [Fact]
    public void A_failed_statement_leaves_no_open_transaction_behind()
    {
        SqliteClusteringSchema.Apply(Db);
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        // NULL SiloName violates NOT NULL inside the BEGIN IMMEDIATE block.
        Assert.Throws<SqliteException>(() => Run("InsertMembershipKey",
            ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1), ("SiloName", DBNull.Value),
            ("HostName", "h"), ("Status", 3), ("ProxyPort", 0), ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow), ("Version", 0)));
        // The next writer is not blocked by a dangling write lock.
        Assert.Equal(1L, Insert(port: 1, version: 0));
    }

    private long Insert(int port, int version, int proxyPort = 30000) => Run("InsertMembershipKey",
        ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1), ("SiloName", $"silo-{port}"),
        ("HostName", "host"), ("Status", 3), ("ProxyPort", proxyPort), ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow),
        ("Version", version));

    private long Update(int port, int status, int version, string? suspect = null) => Run("UpdateMembershipKey",
        ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1), ("Status", status),
        ("SuspectTimes", (object?)suspect ?? DBNull.Value), ("IAmAliveTime", DateTime.UtcNow), ("Version", version));

    private long TableVersion() => (long)Scalar($"SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = '{Cluster}';")!;

    private long Status(int port) => (long)Scalar($"SELECT Status FROM OrleansMembershipTable WHERE Port = {port};")!;

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection(SqliteClusteringSchema.ConnectionString(Db));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private string Query(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = $k;";
        command.Parameters.AddWithValue("$k", key);
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>Runs a stored query; returns the single "answer" number when there is one, else -1.</summary>
    private long Run(string key, params (string Name, object Value)[] args)
    {
        var rows = Read(key, args);
        return rows.Count == 1 && rows[0].Count == 1 ? Convert.ToInt64(rows[0].Values.Single()) : -1;
    }

    private List<Dictionary<string, object>> Read(string key, params (string Name, object Value)[] args)
    {
        using var connection = new SqliteConnection(SqliteClusteringSchema.ConnectionString(Db));
        connection.Open();
        var text = Query(connection, key);
        using var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in args)
        {
            var p = command.CreateParameter();
            p.ParameterName = name; // no '@', as Orleans binds them
            p.Value = value;
            command.Parameters.Add(p);
        }
        var rows = new List<Dictionary<string, object>>();
        using var reader = command.ExecuteReader();
        do
        {
            while (reader.Read())
            {
                var row = new Dictionary<string, object>();
                for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.GetValue(i);
                rows.Add(row);
            }
        }
        while (reader.NextResult());
        return rows;
    }
}
