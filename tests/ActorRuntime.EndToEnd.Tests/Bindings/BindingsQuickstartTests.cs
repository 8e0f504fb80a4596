using System.Diagnostics;
using System.Globalization;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using Npgsql;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>
/// Dapr's bindings quickstart (<c>samples/bindings</c>: cron input every 10 s + PostgreSQL output <c>exec</c>; C# and
/// JavaScript, SDK and plain HTTP) run with <c>actorrt run -f</c>. The run file is the sample's own, written to a
/// temporary folder with only what a test machine needs changed: the app folder as an absolute path, a free app port,
/// and the component folder with the <c>sqldb</c> URL pointed at a fresh database on the test PostgreSQL. Each batch must
/// insert every order of <c>orders.json</c>.
/// </summary>
[Collection(InputBindingsCollection.Name)]
public sealed class BindingsQuickstartTests(ITestOutputHelper output)
{
    private const int OrdersInFile = 3;

    [Theory(Timeout = 600_000)]
    [InlineData("csharp/http")]
    [InlineData("csharp/sdk")]
    [InlineData("javascript/http")]
    [InlineData("javascript/sdk")]
    public async Task The_cron_batch_inserts_the_orders_through_the_postgres_binding(string sample)
    {
        await ExternalServices.EnsurePostgresAsync();
        var root = Path.Combine(RepoPaths.Root, "samples", "bindings");
        var batch = Path.Combine(root, sample, "batch");
        if (sample == "javascript/sdk") await NodeModules.EnsureAsync(batch, output);
        if (sample.StartsWith("csharp", StringComparison.Ordinal))
        {
            var psi = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = batch };
            foreach (var a in new[] { "build", "-nologo", "-v", "quiet", "-clp:ErrorsOnly" }) psi.ArgumentList.Add(a);
            DotnetHost.CleanEnvironment(psi);
            var build = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(5));
            Assert.True(build.ExitCode == 0, $"building {sample} failed:\n{build.Output}");
        }

        var database = "orders_" + Guid.NewGuid().ToString("N")[..10];
        await ExecAsync(ExternalServices.PostgresConnectionString, $"CREATE DATABASE {database}");
        var work = Directory.CreateTempSubdirectory("actorrt-bindings-qs-").FullName;
        try
        {
            var pg = new NpgsqlConnectionStringBuilder(ExternalServices.PostgresConnectionString) { Database = database };
            await ExecAsync(pg.ConnectionString, await File.ReadAllTextAsync(Path.Combine(root, "db", "orders.sql")));
            var components = Directory.CreateDirectory(Path.Combine(work, "components")).FullName;
            File.Copy(Path.Combine(root, "components", "binding-cron.yaml"), Path.Combine(components, "binding-cron.yaml"));
            var url = $"user={pg.Username} host={pg.Host} port={pg.Port} dbname={database} pool_min_conns=1 pool_max_conns=10";
            await File.WriteAllTextAsync(Path.Combine(components, "binding-postgres.yaml"), (await File.ReadAllTextAsync(Path.Combine(root, "components", "binding-postgres.yaml")))
                .Replace("user=postgres password=docker host=localhost port=5432 dbname=orders pool_min_conns=1 pool_max_conns=10", url, StringComparison.Ordinal));
            var runFile = (await File.ReadAllTextAsync(Path.Combine(root, sample, "dapr.yaml")))
                .Replace("appDirPath: ./batch", $"appDirPath: {batch}", StringComparison.Ordinal)
                .Replace("resourcesPath: ../../../components", $"resourcesPath: {components}", StringComparison.Ordinal);
            runFile = System.Text.RegularExpressions.Regex.Replace(runFile, @"appPort: \d+", $"appPort: {CliProcess.FreePort().ToString(CultureInfo.InvariantCulture)}");
            var run = Directory.CreateDirectory(Path.Combine(work, "run")).FullName;
            await File.WriteAllTextAsync(Path.Combine(run, "dapr.yaml"), runFile);
            var home = Directory.CreateDirectory(Path.Combine(work, "home")).FullName;

            await using var cli = await CliProcess.StartAsync(home, run, "run", "-f", ".");
            try
            {
                var until = DateTime.UtcNow.AddMinutes(4);
                long rows;
                while ((rows = await CountAsync(pg.ConnectionString)) < OrdersInFile)
                {
                    Assert.True(DateTime.UtcNow < until && !cli.HasExited, $"{rows} orders inserted so far");
                    await Task.Delay(1000);
                }
                await cli.WaitForLineAsync(l => l.Contains("Finished processing batch", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                Assert.DoesNotContain(cli.Output.Split('\n'), l => l.Contains("answered 500", StringComparison.Ordinal) || l.Contains("ERR_INVOKE_OUTPUT_BINDING", StringComparison.Ordinal));
            }
            finally
            {
                output.WriteLine(cli.Output);
            }
            Assert.Equal(0, await cli.StopAsync(TimeSpan.FromSeconds(30)));
            var customers = await CustomersAsync(pg.ConnectionString);
            Assert.Contains("Grace Hopper", customers);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(ExternalServices.PostgresConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM orders", c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> CustomersAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT customer FROM orders", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync()) list.Add(reader.GetString(0));
        return list;
    }
}
