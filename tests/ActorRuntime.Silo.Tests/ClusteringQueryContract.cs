using System.Data.Common;
using System.Globalization;
using ActorRuntime.Silo.Clustering;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// Our clustering SQL on its own, called the way Orleans' ADO.NET provider calls it: the query text read from
/// <c>OrleansQuery</c>, parameters named without '@' (DateTime values bound with DbType.DateTime as Orleans does),
/// answers read by column name. The same contract runs against SQLite and PostgreSQL.
/// </summary>
public abstract class ClusteringQueryContract
{
    private const string Cluster = "c1";

    protected abstract DbConnection Open();
    protected abstract void Apply();
    protected abstract IReadOnlyList<string> InstalledKeys();

    [Fact]
    public void Apply_installs_every_query_key_and_is_idempotent()
    {
        Apply();
        Apply();
        Assert.Equal(SqliteClusteringSchema.QueryKeys.Order(StringComparer.Ordinal), InstalledKeys().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Concurrent_applies_all_succeed()
    {
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ => Apply());
        Assert.Equal(SqliteClusteringSchema.QueryKeys.Count, InstalledKeys().Count);
    }

    [Fact]
    public void Version_row_is_created_once()
    {
        Apply();
        Assert.Equal(1L, Run("InsertMembershipVersionKey", ("DeploymentId", Cluster)));
        Assert.Equal(0L, Run("InsertMembershipVersionKey", ("DeploymentId", Cluster)));
    }

    [Fact]
    public void Read_all_returns_the_version_row_even_without_members()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        var row = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(DBNull.Value, row["starttime"]);
        Assert.Equal(0L, Convert.ToInt64(row["version"]));
    }

    [Fact]
    public void Insert_and_update_check_and_bump_the_table_version()
    {
        Apply();
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
        Assert.All(all, r => Assert.Equal(3L, Convert.ToInt64(r["version"])));
        var one = Assert.Single(Read("MembershipReadRowKey", ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 2), ("Generation", 1)));
        Assert.Equal(2L, Convert.ToInt64(one["port"]));
        Assert.Equal("silo-2", one["siloname"]);
        var missing = Assert.Single(Read("MembershipReadRowKey", ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 5), ("Generation", 1)));
        Assert.Equal(DBNull.Value, missing["starttime"]);
        Assert.Equal(3L, Convert.ToInt64(missing["version"]));
    }

    [Fact]
    public void Heartbeat_updates_only_the_row()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        var later = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Run("UpdateIAmAlivetimeKey", ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1), ("IAmAliveTime", later));
        var row = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(later, Time(row["iamalivetime"]));
        Assert.Equal(1L, TableVersion());
    }

    [Fact]
    public void Gateways_are_active_silos_with_a_proxy_port()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0, proxyPort: 30001);
        Insert(port: 2, version: 1, proxyPort: 0);
        Insert(port: 3, version: 2, proxyPort: 30003);
        Update(port: 3, status: 6, version: 3);
        var g = Assert.Single(Read("GatewaysQueryKey", ("DeploymentId", Cluster), ("Status", 3)));
        Assert.Equal(30001L, Convert.ToInt64(g["proxyport"]));
        Assert.Equal("127.0.0.1", g["address"]);
        Assert.Equal(1L, Convert.ToInt64(g["generation"]));
    }

    [Fact]
    public void Cleanup_of_one_row_deletes_it_only_while_dead_and_unchanged()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        var row = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        var start = Time(row["starttime"]);
        var alive = Time(row["iamalivetime"]);

        (string, object)[] Args(DateTime a) =>
        [
            ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1),
            ("SuspectTimes", DBNull.Value), ("StartTime", start), ("IAmAliveTime", a),
        ];

        Run("CleanupDefunctSiloEntryKey", Args(alive)); // still Active: kept
        Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));

        Update(port: 1, status: 6, version: 1);
        alive = Time(Read("MembershipReadAllKey", ("DeploymentId", Cluster))[0]["iamalivetime"]);
        Run("CleanupDefunctSiloEntryKey", Args(alive.AddSeconds(-1))); // heartbeat differs: kept
        Assert.Equal(1L, Convert.ToInt64(Read("MembershipReadAllKey", ("DeploymentId", Cluster))[0]["port"]));

        Run("CleanupDefunctSiloEntryKey", Args(alive));
        var after = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(DBNull.Value, after["starttime"]);
    }

    [Fact]
    public void Bulk_cleanup_removes_old_rows_that_are_not_active()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        Insert(port: 2, version: 1);
        Update(port: 2, status: 6, version: 2);
        Run("CleanupDefunctSiloEntriesKey", ("DeploymentId", Cluster), ("IAmAliveTime", DateTime.UtcNow.AddMinutes(1)));
        var left = Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
        Assert.Equal(1L, Convert.ToInt64(left["port"]));
    }

    [Fact]
    public void Delete_forgets_the_cluster()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        Insert(port: 1, version: 0);
        Run("DeleteMembershipTableEntriesKey", ("DeploymentId", Cluster));
        Assert.Empty(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
    }

    [Fact]
    public void A_failed_write_changes_nothing_and_blocks_nobody()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        // NULL SiloName violates NOT NULL in the middle of the version-checked write.
        Assert.ThrowsAny<DbException>(() => Run("InsertMembershipKey",
            ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", 1), ("Generation", 1), ("SiloName", DBNull.Value),
            ("HostName", "h"), ("Status", 3), ("ProxyPort", 0), ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow), ("Version", 0)));
        Assert.Equal(0L, TableVersion());
        Assert.Equal(1L, Insert(port: 1, version: 0));
    }

    [Fact]
    public void Concurrent_writers_with_the_same_version_let_exactly_one_win()
    {
        Apply();
        Run("InsertMembershipVersionKey", ("DeploymentId", Cluster));
        var results = new long[6];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => results[i] = Insert(port: 100 + i, version: 0));
        Assert.Equal(1, results.Count(r => r == 1));
        Assert.Equal(1L, TableVersion());
        Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)));
    }

    private long Insert(int port, int version, int proxyPort = 30000) => Run("InsertMembershipKey",
        ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1), ("SiloName", $"silo-{port}"),
        ("HostName", "host"), ("Status", 3), ("ProxyPort", proxyPort), ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow),
        ("Version", version));

    private long Update(int port, int status, int version, string? suspect = null) => Run("UpdateMembershipKey",
        ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1), ("Status", status),
        ("SuspectTimes", (object?)suspect ?? DBNull.Value), ("IAmAliveTime", DateTime.UtcNow), ("Version", version));

    private long TableVersion() => Convert.ToInt64(Assert.Single(Read("MembershipReadAllKey", ("DeploymentId", Cluster)).Take(1))["version"]);

    private long Status(int port) => Convert.ToInt64(Assert.Single(
        Read("MembershipReadRowKey", ("DeploymentId", Cluster), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1)))["status"]);

    private static DateTime Time(object value) => value switch
    {
        DateTime d => DateTime.SpecifyKind(d.ToUniversalTime(), DateTimeKind.Utc),
        string s => DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture), DateTimeKind.Utc),
        _ => throw new InvalidOperationException($"not a time: {value}"),
    };

    private string QueryText(DbConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @k;";
        var p = command.CreateParameter();
        p.ParameterName = "k";
        p.Value = key;
        command.Parameters.Add(p);
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>Runs a stored query; returns the single "answer" number when there is one, else -1.</summary>
    private long Run(string key, params (string Name, object Value)[] args)
    {
        var rows = Read(key, args);
        return rows.Count == 1 && rows[0].Count == 1 ? Convert.ToInt64(rows[0].Values.Single()) : -1;
    }

    /// <summary>Rows with lower-cased column names (PostgreSQL folds unquoted names; Orleans matches case-insensitively).</summary>
    private List<Dictionary<string, object>> Read(string key, params (string Name, object Value)[] args)
    {
        using var connection = Open();
        var text = QueryText(connection, key);
        using var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in args)
        {
            var p = command.CreateParameter();
            p.ParameterName = name; // no '@', as Orleans binds them
            p.Value = value;
            p.DbType = value switch
            {
                DateTime => System.Data.DbType.DateTime,
                int => System.Data.DbType.Int32,
                _ => System.Data.DbType.String,
            };
            command.Parameters.Add(p);
        }
        var rows = new List<Dictionary<string, object>>();
        using var reader = command.ExecuteReader();
        do
        {
            while (reader.Read())
            {
                var row = new Dictionary<string, object>();
                for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i).ToLowerInvariant()] = reader.GetValue(i);
                rows.Add(row);
            }
        }
        while (reader.NextResult());
        return rows;
    }
}

public sealed class SqliteClusteringQueryTests : ClusteringQueryContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-schema-").FullName;
    private string Db => Path.Combine(_dir, "nested", "cluster.sqlite");

    protected override DbConnection Open()
    {
        var c = new SqliteConnection(SqliteClusteringSchema.ConnectionString(Db));
        c.Open();
        return c;
    }

    protected override void Apply() => SqliteClusteringSchema.Apply(Db);

    protected override IReadOnlyList<string> InstalledKeys() => SqliteClusteringSchema.InstalledQueryKeys(Db);

    [Fact]
    public void Apply_creates_the_folder_and_file_in_wal_mode()
    {
        Apply();
        Assert.True(File.Exists(Db));
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Script_names_every_key_orleans_reads()
    {
        var script = SqliteClusteringSchema.Script();
        foreach (var key in SqliteClusteringSchema.QueryKeys) Assert.Contains($"'{key}'", script);
    }

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
}

/// <summary>
/// Needs the PostgreSQL test server (<c>scripts/services.sh start</c>; <c>ACTORRT_TEST_POSTGRES</c> overrides the
/// connection string). Each test class instance works in a database of its own, dropped afterwards.
/// </summary>
public sealed class PostgresClusteringQueryTests : ClusteringQueryContract, IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    protected override DbConnection Open()
    {
        var c = new NpgsqlConnection(_db.ConnectionString);
        c.Open();
        return c;
    }

    protected override void Apply() => PostgresClusteringSchema.Apply(_db.ConnectionString);

    protected override IReadOnlyList<string> InstalledKeys()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT QueryKey FROM OrleansQuery;";
        using var r = cmd.ExecuteReader();
        var keys = new List<string>();
        while (r.Read()) keys.Add(r.GetString(0));
        return keys;
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>A throw-away database on the PostgreSQL test server.</summary>
internal sealed class TestPostgresDatabase : IDisposable
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("ACTORRT_TEST_POSTGRES") is { Length: > 0 } v
            ? v
            : "Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt";

    private readonly string _name = "actorrt_clu_" + Guid.NewGuid().ToString("N")[..12];

    public TestPostgresDatabase()
    {
        using var admin = new NpgsqlConnection(ServerConnectionString);
        admin.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE {_name};", admin);
        cmd.ExecuteNonQuery();
        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _name, Pooling = false }.ToString();
    }

    public string ConnectionString { get; }

    public void Dispose()
    {
        try
        {
            using var admin = new NpgsqlConnection(ServerConnectionString);
            admin.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE);", admin);
            cmd.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
        }
    }
}
