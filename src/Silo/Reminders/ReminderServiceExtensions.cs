using Orleans.Configuration;

namespace ActorRuntime.Silo.Reminders;

/// <summary>Durable reminder tables on our own SQL schemas (Orleans' ADO.NET reminder provider).</summary>
public static class ReminderServiceExtensions
{
    /// <summary>
    /// Reminders in a SQLite file (created if missing, schema applied idempotently): durable across restarts and shared
    /// by every silo process on the machine that names the same file.
    /// </summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, string databaseFile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var file = Path.GetFullPath(databaseFile);
        SqliteRemindersSchema.Apply(file);
        var connectionString = SqliteRemindersSchema.ConnectionString(file);
        return builder.UseAdoNetReminderService((AdoNetReminderTableOptions o) =>
        {
            o.Invariant = SqliteRemindersSchema.Invariant;
            o.ConnectionString = connectionString;
        });
    }

    /// <summary>Reminders in PostgreSQL (schema applied idempotently under the ActorRuntime advisory lock).</summary>
    public static ISiloBuilder UsePostgresReminderService(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        connectionString = Hosting.ClusterConnectionStrings.Postgres(connectionString);
        PostgresRemindersSchema.Apply(connectionString);
        return builder.UseAdoNetReminderService((AdoNetReminderTableOptions o) =>
        {
            o.Invariant = PostgresRemindersSchema.Invariant;
            o.ConnectionString = connectionString;
        });
    }
}
