using System.Diagnostics;
using System.Text;
using ActorRuntime.Cluster.Tests.Infrastructure;
using Npgsql;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// <c>actorrt silo</c> and <c>actorrt db init</c> given the PostgreSQL connection string as Dapr's docs write it
/// (<c>host=... port=... user=... dbname=...</c>): the silo joins, db init applies, a bad key is a usage error naming it.
/// </summary>
public sealed class ConnectionStringFormsTests
{
    private static string KeywordValue(string? extra = null)
    {
        var b = new NpgsqlConnectionStringBuilder(Services.Postgres);
        var password = string.IsNullOrEmpty(b.Password) ? "" : $" password='{b.Password.Replace("\\", "\\\\").Replace("'", "\\'")}'";
        return $"host={b.Host} port={b.Port} user={b.Username} dbname={b.Database} connect_timeout=10 pool_max_conns=10{password}{extra}";
    }

    private static string NewHome() => Path.Combine(Path.GetTempPath(), "actorrt-cluster-tests", "connstr-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var psi = ActorRuntimeBinary.Dotnet([await ActorRuntimeBinary.GetAsync(), .. args]);
        psi.Environment["ACTORRT_HOME"] = NewHome();
        var (code, output, _) = await ActorRuntimeBinary.RunToEndAsync(psi, TimeSpan.FromSeconds(90));
        return (code, output);
    }

    [Fact(Timeout = 180_000)]
    public async Task Db_init_takes_the_libpq_form_and_names_a_bad_key()
    {
        await Services.EnsurePostgresAsync();
        var (code, output) = await RunAsync("db", "init", "--store", "postgresql", "--connection-string", KeywordValue());
        Assert.True(code == 0, output);
        Assert.Contains("Schemas ready", output, StringComparison.Ordinal);

        (code, output) = await RunAsync("db", "init", "--store", "postgresql", "--connection-string", "host=127.0.0.1 pool_max_connz=3 password=hunter2");
        Assert.Equal(2, code);
        Assert.Contains("--connection-string has an unknown key 'pool_max_connz'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Silo_with_a_bad_libpq_key_is_a_usage_error()
    {
        var (code, output) = await RunAsync("silo", "--cluster", "postgresql", "--connection-string", "host=127.0.0.1 sslmode=sometimes");
        Assert.Equal(2, code);
        Assert.Contains("--connection-string has 'sslmode=sometimes'", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 240_000)]
    public async Task Silo_joins_postgres_membership_given_the_libpq_form()
    {
        await Services.EnsurePostgresAsync();
        var clusterId = "connstr-" + Guid.NewGuid().ToString("N")[..8];
        var psi = ActorRuntimeBinary.Dotnet([await ActorRuntimeBinary.GetAsync(), "silo", "--cluster", "postgresql", "--connection-string", KeywordValue(),
            "--cluster-id", clusterId, "--silo-port", "0", "--gateway-port", "0", "--storage", "memory", "--reminders", "memory"]);
        psi.Environment["ACTORRT_HOME"] = NewHome();
        var output = new StringBuilder();
        using var silo = new Process { StartInfo = psi };
        silo.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        silo.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        silo.Start();
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(150);
            while (!await IsActiveAsync(clusterId))
            {
                if (silo.HasExited) Assert.Fail($"the silo exited ({silo.ExitCode}) before joining:\n{Snapshot(output)}");
                if (DateTime.UtcNow > deadline) Assert.Fail($"the silo did not become an active member within 150 s:\n{Snapshot(output)}");
                await Task.Delay(500);
            }
        }
        finally
        {
            try { silo.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await silo.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            await Services.CleanPostgresAsync(clusterId);
        }
    }

    private static string Snapshot(StringBuilder output) { lock (output) return output.ToString(); }

    private static async Task<bool> IsActiveAsync(string clusterId)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Services.Postgres);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.OpenAsync(cts.Token);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @id AND status = 3", connection);
            command.Parameters.AddWithValue("id", clusterId);
            return (long)(await command.ExecuteScalarAsync(cts.Token))! > 0;
        }
        catch (PostgresException)
        {
            return false; // no membership table yet
        }
    }
}
