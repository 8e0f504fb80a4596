using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Marks as dead the membership rows of machine-local silos whose process no longer exists. Silos are named
/// <c>actorrt-{pid}</c>; a row not yet dead whose pid is not a running process can only be left over from a killed
/// run. The table version is bumped with the change so live silos pick it up like any other update.
/// </summary>
internal static class DeadLocalSilos
{
    private const string Prefix = "actorrt-";
    private const int Dead = 6;

    public static string SiloNameForThisProcess() => Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The process id in a machine-local silo's name, or null for any other name.</summary>
    public static int? ProcessIdOf(string? siloName) =>
        siloName is not null && siloName.StartsWith(Prefix, StringComparison.Ordinal)
        && int.TryParse(siloName.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    public static int Reap(string connectionString, string clusterId)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        var stale = new List<(string Address, long Port, long Generation)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = "SELECT Address, Port, Generation, SiloName FROM OrleansMembershipTable WHERE DeploymentId = @d AND Status IN (1, 2, 3, 4, 5)";
            select.Parameters.AddWithValue("@d", clusterId);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                if (ProcessIdOf(reader.GetString(3)) is { } pid && !LocalProcess.IsRunning(pid))
                    stale.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }
        foreach (var (address, port, generation) in stale)
        {
            using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE OrleansMembershipTable SET Status = @dead WHERE DeploymentId = @d AND Address = @a AND Port = @p AND Generation = @g";
            update.Parameters.AddWithValue("@dead", Dead);
            update.Parameters.AddWithValue("@d", clusterId);
            update.Parameters.AddWithValue("@a", address);
            update.Parameters.AddWithValue("@p", port);
            update.Parameters.AddWithValue("@g", generation);
            update.ExecuteNonQuery();
        }
        if (stale.Count > 0)
        {
            using var bump = connection.CreateCommand();
            bump.Transaction = tx;
            bump.CommandText = "UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP WHERE DeploymentId = @d";
            bump.Parameters.AddWithValue("@d", clusterId);
            bump.ExecuteNonQuery();
        }
        tx.Commit();
        return stale.Count;
    }
}
