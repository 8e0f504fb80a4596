namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Cluster membership in PostgreSQL (several machines). Applies our schema idempotently under an advisory lock, then
/// configures Orleans' ADO.NET clustering provider. ClusterId/ServiceId and endpoints stay the caller's choice
/// (unlike the machine-local cluster there is no sensible default address to advertise).
/// </summary>
public static class PostgresClustering
{
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        connectionString = Hosting.ClusterConnectionStrings.Postgres(connectionString);
        PostgresClusteringSchema.Apply(connectionString);
        return builder.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresClusteringSchema.Invariant;
            o.ConnectionString = connectionString;
        });
    }

    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        connectionString = Hosting.ClusterConnectionStrings.Postgres(connectionString);
        PostgresClusteringSchema.Apply(connectionString);
        return builder.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresClusteringSchema.Invariant;
            o.ConnectionString = connectionString;
        });
    }
}
