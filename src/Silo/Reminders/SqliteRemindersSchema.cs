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
    public static string Script()
    {
        using var stream = typeof(SqliteRemindersSchema).Assembly.GetManifestResourceStream(ScriptResourceName)
                           ?? throw new InvalidOperationException($"embedded resource '{ScriptResourceName}' is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Creates the database file (and its folder) if needed, switches it to WAL and applies the script.</summary>
    public static void Apply(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var full = Path.GetFullPath(databaseFile);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);

        var script = Script();
        using var connection = new SqliteConnection(ConnectionString(full));
        connection.Open();
        try
        {
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                wal.ExecuteScalar();
            }
            using var tx = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one applier at a time.
            using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = script;
                command.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new InvalidOperationException($"Cannot prepare the reminders database '{full}': {e.Message}", e);
        }
    }

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string databaseFile)
    {
        using var connection = new SqliteConnection(ConnectionString(databaseFile));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read()) keys.Add(reader.GetString(0));
        return keys;
    }
}
