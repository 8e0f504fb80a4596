using System.Net;
using System.Text;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>
/// The output half of Dapr's bindings quickstart: its <c>binding-postgres.yaml</c> unchanged but for the server
/// (<c>bindings.postgres</c>, <c>url</c> in libpq form with pgx pool settings, <c>namespace: quickstarts</c>), and the
/// inserts its C# apps send: the HTTP app's <c>{"metadata":{"sql":...},"operation":"exec"}</c> body and the SDK app's
/// <c>InvokeBindingAsync(bindingName: "sqldb", operation: "exec", data: "", metadata: {sql})</c>.
/// </summary>
public sealed class BindingsQuickstartComponentTests
{
    [Fact]
    public async Task The_quickstarts_component_file_and_calls_insert_orders()
    {
        await ExternalServices.EnsurePostgresAsync();
        using var sandbox = new RuntimeSandbox();
        var table = sandbox.UniqueName("orders");
        sandbox.PostgresTables.Add(table);
        var pg = new NpgsqlConnectionStringBuilder(ExternalServices.PostgresConnectionString);
        sandbox.AddComponent("binding-postgres", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: sqldb
              namespace: quickstarts
            spec:
              type: bindings.postgres
              version: v1
              metadata:
              - name: url # Required
                value: "user={pg.Username} host={pg.Host} port={pg.Port} dbname={pg.Database} pool_min_conns=1 pool_max_conns=10"
            """);
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        try
        {
            var url = $"/v1.0/bindings/sqldb";
            async Task Exec(string sql)
            {
                var body = JsonSerializer.Serialize(new { metadata = new { sql }, operation = "exec" });
                var response = await runtime.Http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            await Exec($"CREATE TABLE {table} (orderid INT PRIMARY KEY, customer TEXT, price NUMERIC)");
            await Exec($"insert into {table} (orderid, customer, price) values (1, 'John Smith', 100.32);");

            using var client = runtime.CreateDaprClient();
            await client.InvokeBindingAsync(bindingName: "sqldb", operation: "exec", data: "",
                metadata: new Dictionary<string, string> { ["sql"] = $"insert into {table} (orderid, customer, price) values (2, 'Jane Bond', 15.4);" });

            var query = await runtime.Http.PostAsync(url, new StringContent(
                JsonSerializer.Serialize(new { operation = "query", metadata = new { sql = $"select orderid, customer, price from {table} order by orderid" } }),
                Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
            Assert.Equal("""[[1,"John Smith",100.32],[2,"Jane Bond",15.4]]""", await query.Content.ReadAsStringAsync());
        }
        finally
        {
            await sandbox.CleanExternalDataAsync();
        }
    }
}
