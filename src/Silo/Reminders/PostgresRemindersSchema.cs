using ActorRuntime.Silo.Sql;

namespace ActorRuntime.Silo.Reminders;

/// <summary>
/// Our PostgreSQL schema for Orleans' ADO.NET reminder table (<c>Sql/PostgreSQL-Main.sql</c> then
/// <c>Sql/PostgreSQL-Reminders.sql</c>, embedded). <see cref="Apply"/> is idempotent and safe when several processes
/// start at once (one transaction under the ActorRuntime advisory lock).
/// </summary>
public static class PostgresRemindersSchema
{
    public const string Invariant = "Npgsql";
    public const string ResourceName = "ActorRuntime.Silo.Sql.PostgreSQL-Reminders.sql";

    /// <summary>The query keys Orleans 10.4.2's ADO.NET reminder table reads from <c>OrleansQuery</c>.</summary>
    public static IReadOnlyList<string> QueryKeys => SqliteRemindersSchema.QueryKeys;

    /// <summary>Applies Main and Reminders scripts in one transaction under the advisory lock.</summary>
    public static void Apply(string connectionString, TimeSpan? timeout = null) =>
        PostgresScripts.Apply(connectionString, "reminders", timeout, ResourceName);

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string connectionString) => PostgresScripts.InstalledQueryKeys(connectionString);
}
