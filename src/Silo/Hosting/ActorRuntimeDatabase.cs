using ActorRuntime.Silo.Clustering;
using ActorRuntime.Silo.Reminders;
using ActorRuntime.Silo.Storage;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Silo.Hosting;

/// <summary>Databases <see cref="ActorRuntimeDatabase.InitializeAsync(ActorRuntimeDatabaseKind, string, CancellationToken)"/> prepares.</summary>
public enum ActorRuntimeDatabaseKind
{
    /// <summary>PostgreSQL: cluster membership, grain storage and reminders.</summary>
    PostgreSql,
    /// <summary>A SQLite file: cluster membership and reminders (the machine-local cluster's schemas).</summary>
    Sqlite,
}

/// <summary>
/// Prepares a database for an ActorRuntime cluster ahead of time (for <c>actorrt db init</c>): every schema a silo
/// would otherwise apply at start-up. Idempotent, and safe to run while silos start (PostgreSQL: the ActorRuntime
/// advisory lock; SQLite: <c>BEGIN IMMEDIATE</c>).
/// </summary>
public static class ActorRuntimeDatabase
{
    /// <summary>The schemas applied, in order, for a kind (names for messages).</summary>
    public static IReadOnlyList<string> SchemasOf(ActorRuntimeDatabaseKind kind) => kind switch
    {
        ActorRuntimeDatabaseKind.PostgreSql => ["clustering", "grain storage", "reminders"],
        ActorRuntimeDatabaseKind.Sqlite => ["clustering", "reminders"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Applies every schema of <paramref name="kind"/>. <paramref name="connectionString"/> is a PostgreSQL connection
    /// string (libpq, URL or Npgsql form, see <see cref="ClusterConnectionStrings"/>), and a file path (or a <c>Data Source=...</c> string) for SQLite. Returns the schema names
    /// applied. Failures are <see cref="InvalidOperationException"/>s whose message says which schema and why.
    /// </summary>
    public static Task<IReadOnlyList<string>> InitializeAsync(ActorRuntimeDatabaseKind kind, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Task.Run<IReadOnlyList<string>>(() =>
        {
            switch (kind)
            {
                case ActorRuntimeDatabaseKind.PostgreSql:
                    connectionString = ClusterConnectionStrings.Postgres(connectionString, "--connection-string");
                    PostgresClusteringSchema.Apply(connectionString);
                    cancellationToken.ThrowIfCancellationRequested();
                    PostgresGrainStorageSchema.Apply(connectionString);
                    cancellationToken.ThrowIfCancellationRequested();
                    PostgresRemindersSchema.Apply(connectionString);
                    break;
                case ActorRuntimeDatabaseKind.Sqlite:
                    var file = SqliteFile(connectionString);
                    SqliteClusteringSchema.Apply(file);
                    cancellationToken.ThrowIfCancellationRequested();
                    SqliteRemindersSchema.Apply(file);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
            return SchemasOf(kind);
        }, cancellationToken);
    }

    /// <summary>Same, with the kind as a word: <c>postgresql</c> (or <c>postgres</c>) or <c>sqlite</c>.</summary>
    public static Task<IReadOnlyList<string>> InitializeAsync(string kind, string connectionString, CancellationToken cancellationToken = default) =>
        InitializeAsync(ParseKind(kind), connectionString, cancellationToken);

    public static ActorRuntimeDatabaseKind ParseKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        "postgresql" or "postgres" or "pg" => ActorRuntimeDatabaseKind.PostgreSql,
        "sqlite" or "localhost" => ActorRuntimeDatabaseKind.Sqlite,
        _ => throw new ArgumentException($"database kind must be postgresql or sqlite, not '{kind}'", nameof(kind)),
    };

    private static string SqliteFile(string connectionString) =>
        connectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(connectionString).DataSource
            : connectionString;
}
