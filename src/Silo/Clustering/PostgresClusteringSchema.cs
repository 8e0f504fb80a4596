using Npgsql;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Our PostgreSQL schema for Orleans' ADO.NET membership provider (<c>Sql/PostgreSQL-Main.sql</c> then
/// <c>Sql/PostgreSQL-Clustering.sql</c>, embedded). <see cref="Apply"/> is idempotent and safe when several processes
/// start at once: both scripts run in one transaction that first takes a transaction-scoped advisory lock, so appliers
/// queue instead of racing on <c>CREATE TABLE IF NOT EXISTS</c> (which is not concurrency-safe in PostgreSQL).
/// </summary>
public static class PostgresClusteringSchema
{
    public const string Invariant = "Npgsql";
    public const string MainResourceName = "ActorRuntime.Silo.Sql.PostgreSQL-Main.sql";
    public const string ClusteringResourceName = "ActorRuntime.Silo.Sql.PostgreSQL-Clustering.sql";

    /// <summary>Advisory lock key shared by every ActorRuntime schema applier ("actorrt" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x6163746f72727431; // "actorrt1"

    /// <summary>Script text of an embedded resource.</summary>
    public static string Script(string resourceName)
    {
        using var stream = typeof(PostgresClusteringSchema).Assembly.GetManifestResourceStream(resourceName)
                           ?? throw new InvalidOperationException($"embedded resource '{resourceName}' is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Applies Main and Clustering scripts in one transaction under the advisory lock.</summary>
    public static void Apply(string connectionString, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var main = Script(MainResourceName);
        var clustering = Script(ClusteringResourceName);
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var tx = connection.BeginTransaction();
            Execute(connection, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});", timeout);
            Execute(connection, tx, main, timeout);
            Execute(connection, tx, clustering, timeout);
            tx.Commit();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"Cannot prepare the cluster membership schema in PostgreSQL: {e.Message}", e);
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, TimeSpan? timeout)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        if (timeout is not null) command.CommandTimeout = Math.Max(1, (int)timeout.Value.TotalSeconds);
        command.ExecuteNonQuery();
    }
}
