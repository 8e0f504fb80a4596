using Microsoft.Data.Sqlite;

namespace ActorRuntime.Silo.Sql;

/// <summary>Applies one of our embedded SQLite schema scripts: shared by the membership and reminders databases.</summary>
internal static class SqliteScript
{
    public static string Read(string resourceName)
    {
        using var stream = typeof(SqliteScript).Assembly.GetManifestResourceStream(resourceName)
                           ?? throw new InvalidOperationException($"embedded resource '{resourceName}' is missing from {typeof(SqliteScript).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Creates the file (and its folder) if needed, switches it to WAL — readers then never block the writer, so the
    /// heartbeats of many processes do not queue — and runs the script in one <c>BEGIN IMMEDIATE</c> transaction,
    /// so several processes starting at once apply it one after another.
    /// </summary>
    public static void Apply(string databaseFile, string connectionString, string resourceName, string what)
    {
        var script = Read(resourceName);
        var dir = Path.GetDirectoryName(databaseFile);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        try
        {
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                wal.ExecuteScalar();
            }
            using var tx = connection.BeginTransaction(deferred: false);
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
            throw new InvalidOperationException($"Cannot prepare the {what} database '{databaseFile}': {e.Message}", e);
        }
    }

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read()) keys.Add(reader.GetString(0));
        return keys;
    }
}
