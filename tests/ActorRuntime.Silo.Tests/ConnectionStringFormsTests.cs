using System.ComponentModel.DataAnnotations;
using System.Net;
using ActorRuntime.Silo.Clustering;
using ActorRuntime.Silo.Hosting;
using ActorRuntime.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// The cluster's PostgreSQL connection string written as Dapr's docs write it (libpq keyword/value, postgres:// URL)
/// works wherever an Npgsql one does: <c>db init</c>, membership; a malformed one names the flag and the key.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ConnectionStringFormsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private string KeywordValue()
    {
        var b = new NpgsqlConnectionStringBuilder(_db.ConnectionString);
        var password = string.IsNullOrEmpty(b.Password) ? "" : $" password='{b.Password.Replace("\\", "\\\\").Replace("'", "\\'")}'";
        return $"host={b.Host} port={b.Port} user={b.Username} dbname={b.Database} connect_timeout=10{password}";
    }

    private string Url()
    {
        var b = new NpgsqlConnectionStringBuilder(_db.ConnectionString);
        var password = string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password);
        return $"postgresql://{Uri.EscapeDataString(b.Username!)}{password}@{b.Host}:{b.Port}/{b.Database}?sslmode=disable";
    }

    [Fact(Timeout = 60_000)]
    public async Task Db_init_accepts_the_libpq_and_url_forms()
    {
        Assert.Equal(["clustering", "grain storage", "reminders"], await ActorRuntimeDatabase.InitializeAsync("postgresql", KeywordValue()));
        await ActorRuntimeDatabase.InitializeAsync("postgresql", Url());
        Assert.NotEmpty(PostgresGrainStorageSchema.InstalledQueryKeys(_db.ConnectionString));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_silo_joins_postgres_membership_given_the_libpq_form()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var builder = TestSilos.Builder(output);
        builder.UseOrleans(silo => silo
            .UsePostgresClustering(KeywordValue())
            .Configure<ClusterOptions>(o => { o.ClusterId = "pg-libpq"; o.ServiceId = "pg-libpq"; })
            .ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next())
            .Configure<ClusterMembershipOptions>(LocalMachineClustering.ApplyDevMachineTimings));
        using var host = builder.Build();
        await host.StartAsync(cts.Token);
        try
        {
            await using var connection = new NpgsqlConnection(_db.ConnectionString);
            await connection.OpenAsync(cts.Token);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = 'pg-libpq' AND status = 3", connection);
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync(cts.Token))!);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(ClusterMode.PostgreSql, "host=db foo=bar password=hunter2", "foo")]
    [InlineData(ClusterMode.PostgreSql, "postgres://u:hunter2@db/x?sslmode=sometimes", "sslmode")]
    [InlineData(ClusterMode.Redis, "redis://:hunter2@cache/notadb", "database")]
    public void A_malformed_connection_string_names_the_flag_and_key_without_the_password(ClusterMode cluster, string connectionString, string key)
    {
        var options = new ActorRuntimeSiloOptions { Cluster = cluster, ConnectionString = connectionString, Storage = GrainStorageKind.Memory, Reminders = ReminderStorageKind.Memory };
        var error = Assert.Throws<ValidationException>(() => Validator.ValidateObject(options, new ValidationContext(options), true));
        Assert.Contains("--connection-string", error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host=db user=u dbname=x")]
    [InlineData("postgres://u@db/x")]
    [InlineData("Host=db;Username=u;Database=x")]
    public void Every_postgres_form_validates(string connectionString)
    {
        var options = new ActorRuntimeSiloOptions { Cluster = ClusterMode.PostgreSql, ConnectionString = connectionString, Storage = GrainStorageKind.Memory };
        Validator.ValidateObject(options, new ValidationContext(options), true);
        Assert.Equal("db", new NpgsqlConnectionStringBuilder(ClusterConnectionStrings.Postgres(connectionString)).Host);
    }
}
