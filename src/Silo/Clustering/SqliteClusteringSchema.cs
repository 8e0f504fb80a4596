using ActorRuntime.Silo.Sql;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Our SQLite schema for Orleans' ADO.NET membership provider (<c>Sql/Sqlite-Clustering.sql</c>, embedded).
/// <see cref="Apply"/> is idempotent and safe when several processes start at once: it runs the whole script in one
/// <c>BEGIN IMMEDIATE</c> transaction (one writer at a time; others wait up to the busy timeout).
/// </summary>
public static class SqliteClusteringSchema
{
    /// <summary>
    /// The ADO.NET invariant to give the Orleans provider. Orleans 10.4.2 knows SQLite only under this name and loads
    /// <c>Microsoft.Data.Sqlite.SqliteFactory</c> for it ("Microsoft.Data.Sqlite" itself is not an accepted invariant).
    /// </summary>
    public const string Invariant = "System.Data.SQLite";

    public const string ScriptResourceName = "ActorRuntime.Silo.Sql.Sqlite-Clustering.sql";

    /// <summary>How long a statement waits for another process's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The query keys Orleans 10.4.2's clustering provider reads from <c>OrleansQuery</c>.</summary>
    public static IReadOnlyList<string> QueryKeys { get; } =
    [
        "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
    ];

    /// <summary>
    /// Connection string for the provider and for us: no pooling (a failed multi-statement query must not leave an open
    /// transaction on a pooled connection: closing the connection rolls it back), and a busy timeout. WAL is a property
    /// of the database file, set by <see cref="Apply"/>.
    /// </summary>
    public static string ConnectionString(string databaseFile) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(databaseFile),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = false,
        DefaultTimeout = (int)BusyTimeout.TotalSeconds,
    }.ToString();

    /// <summary>The embedded script text.</summary>
    public static string Script() => SqliteScript.Read(ScriptResourceName);

    /// <summary>Creates the database file (and its folder) if needed, switches it to WAL and applies the script.</summary>
    public static void Apply(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var full = Path.GetFullPath(databaseFile);
        SqliteScript.Apply(full, ConnectionString(full), ScriptResourceName, "cluster membership");
    }

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string databaseFile) => SqliteScript.InstalledQueryKeys(ConnectionString(databaseFile));
}
