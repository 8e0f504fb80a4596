using ActorRuntime.Silo.Sql;

namespace ActorRuntime.Silo.Storage;

/// <summary>
/// Our PostgreSQL schema for Orleans' ADO.NET grain storage (<c>Sql/PostgreSQL-Main.sql</c> then
/// <c>Sql/PostgreSQL-Persistence.sql</c>, embedded). <see cref="Apply"/> is idempotent and safe when several processes
/// start at once (one transaction under the ActorRuntime advisory lock).
/// </summary>
public static class PostgresGrainStorageSchema
{
    public const string Invariant = "Npgsql";
    public const string ResourceName = "ActorRuntime.Silo.Sql.PostgreSQL-Persistence.sql";

    /// <summary>The query keys Orleans 10.4.2's ADO.NET grain storage reads from <c>OrleansQuery</c>.</summary>
    public static IReadOnlyList<string> QueryKeys { get; } =
        ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    /// <summary>Applies Main and Persistence scripts in one transaction under the advisory lock.</summary>
    public static void Apply(string connectionString, TimeSpan? timeout = null) =>
        PostgresScripts.Apply(connectionString, "grain storage", timeout, ResourceName);

    /// <summary>Query keys present in <c>OrleansQuery</c> (diagnostics and tests).</summary>
    public static IReadOnlyList<string> InstalledQueryKeys(string connectionString) => PostgresScripts.InstalledQueryKeys(connectionString);
}
