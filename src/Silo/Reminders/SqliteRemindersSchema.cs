using ActorRuntime.Silo.Sql;
using ActorRuntime.Silo.Clustering;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Silo.Reminders;

/// <summary>
/// Our SQLite schema for Orleans' ADO.NET reminder table (<c>Sql/Sqlite-Reminders.sql</c>, embedded): the durable
/// reminders of the machine-local cluster. <see cref="Apply"/> is idempotent and safe when several processes start at
/// once: the script runs in one <c>BEGIN IMMEDIATE</c> transaction.
/// </summary>
public static class SqliteRemindersSchema
{
    /// <summary>The ADO.NET invariant for the Orleans provider; Orleans 10.4.2 loads Microsoft.Data.Sqlite for it.</summary>
    public const string Invariant = SqliteClusteringSchema.Invariant;

    public const string ScriptResourceName = "ActorRuntime.Silo.Sql.Sqlite-Reminders.sql";

    /// <summary>Default file name, next to the membership database (<c>~/.actorrt/cluster/reminders.db</c>).</summary>
    public const string DefaultFileName = "reminders.db";

    /// <summary>The query keys Orleans 10.4.2's ADO.NET reminder table reads from <c>OrleansQuery</c>.</summary>
    public static IReadOnlyList<string> QueryKeys { get; } =
    [
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    /// <summary>Same connection settings as the membership database: no pooling, a 30 s busy timeout.</summary>
    public static string ConnectionString(string databaseFile) => SqliteClusteringSchema.ConnectionString(databaseFile);

    /// <summary>The embedded script text.</summary>
    public static string Script() => SqliteScript.Read(ScriptResourceName);

    /// <summary>Creates the database file (and its folder) if needed, switches it to WAL and applies the script.</summary>
    public static void Apply(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var full = Path.GetFullPath(databaseFile);
        SqliteScript.Apply(full, ConnectionString(full), ScriptResourceName, "reminders");
    }

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string databaseFile) => SqliteScript.InstalledQueryKeys(ConnectionString(databaseFile));
}
