using ActorRuntime.Silo.Clustering;
using Npgsql;

namespace ActorRuntime.Silo.Sql;

/// <summary>
/// Applies embedded PostgreSQL scripts the way <see cref="PostgresClusteringSchema"/> does: <c>PostgreSQL-Main.sql</c>
/// (the <c>OrleansQuery</c> table) and then the given scripts, all in one transaction that first takes the ActorRuntime
/// advisory lock, so concurrent appliers queue instead of racing on <c>CREATE ... IF NOT EXISTS</c>.
/// </summary>
internal static class PostgresScripts
{
    public static void Apply(string connectionString, string what, TimeSpan? timeout, params string[] resourceNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var scripts = new List<string> { PostgresClusteringSchema.Script(PostgresClusteringSchema.MainResourceName) };
        scripts.AddRange(resourceNames.Select(PostgresClusteringSchema.Script));
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var tx = connection.BeginTransaction();
            Execute(connection, tx, $"SELECT pg_advisory_xact_lock({PostgresClusteringSchema.AdvisoryLockKey});", timeout);
            foreach (var script in scripts) Execute(connection, tx, script, timeout);
            tx.Commit();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"Cannot prepare the {what} schema in PostgreSQL: {e.Message}", e);
        }
    }

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;", connection);
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read()) keys.Add(reader.GetString(0));
        return keys;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, TimeSpan? timeout)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        if (timeout is not null) command.CommandTimeout = Math.Max(1, (int)timeout.Value.TotalSeconds);
        command.ExecuteNonQuery();
    }
}
