using System.Text.Json;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.PostgreSql;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.State;
using Npgsql;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary><c>bindings.postgresql</c> against the real PostgreSQL: exec, query (Dapr's row format), params, close, errors, connection forms.</summary>
public sealed class PostgresBindingTests : IAsyncLifetime
{
    private readonly string _table = "binding_" + Guid.NewGuid().ToString("N")[..10];
    private PostgresBinding _binding = null!;

    private static PostgresBinding New(params (string, string)[] metadata) => new(TestServers.Component("bindings.postgresql", metadata));

    public async Task InitializeAsync()
    {
        _binding = New(("connectionString", TestServers.Postgres));
        await _binding.InitAsync(default);
        await _binding.Call("exec", null, ("sql",
            $"CREATE TABLE {_table} (id INT PRIMARY KEY, name TEXT, ts TIMESTAMP, amount NUMERIC, flag BOOLEAN, doc JSONB, tags TEXT[], raw BYTEA)"));
    }

    public async Task DisposeAsync()
    {
        await using (var connection = new NpgsqlConnection(TestServers.Postgres))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {_table}", connection);
            await drop.ExecuteNonQueryAsync();
        }
        await _binding.DisposeAsync();
    }

    [Fact]
    public async Task Exec_reports_rows_affected_and_daprs_metadata()
    {
        var sql = $"INSERT INTO {_table} (id, name) VALUES (1, 'one'), (2, 'two')";
        var response = await _binding.Call("exec", null, ("sql", sql));
        Assert.False(response.IsEmpty);
        Assert.Equal(0, response.Data.Length);
        Assert.Equal("2", response.Metadata["rows-affected"]);
        Assert.Equal("exec", response.Metadata["operation"]);
        Assert.Equal(sql, response.Metadata["sql"]);
        var start = DateTime.Parse(response.Metadata["start-time"], null, System.Globalization.DateTimeStyles.RoundtripKind);
        var end = DateTime.Parse(response.Metadata["end-time"], null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, start.Kind);
        Assert.True(end >= start);
        Assert.Matches(@"^\d+(\.\d+)?(µs|ms|s)$", response.Metadata["duration"]);
    }

    [Fact]
    public async Task Params_bind_dollar_placeholders_with_json_values_of_any_type()
    {
        await _binding.Call("exec", null, ("sql", $"INSERT INTO {_table} (id, name, ts, amount, flag, doc) VALUES ($1, $2, $3, $4, $5, $6)"),
            ("params", """[7, "seven", "2020-09-24T04:13:46Z", 12.50, true, {"b": 1, "a": [1, 2]}]"""));
        await _binding.Call("exec", null, ("sql", $"INSERT INTO {_table} (id, name) VALUES ($1, $2)"), ("params", "[8, null]"));
        var rows = await _binding.Call("query", null, ("sql", $"SELECT id, name, ts, amount, flag, doc FROM {_table} WHERE id = $1"), ("params", "[7]"));
        Assert.Equal("""[[7,"seven","2020-09-24T04:13:46Z",12.50,true,{"a":[1,2],"b":1}]]""", rows.Text());
        Assert.Equal("query", rows.Metadata["operation"]);
        Assert.False(rows.Metadata.ContainsKey("rows-affected"));
        Assert.Equal("[[8,null]]", (await _binding.Call("query", null, ("sql", $"SELECT id, name FROM {_table} WHERE id = 8"))).Text());
    }

    [Fact]
    public async Task Query_answers_an_array_of_row_arrays_as_daprs_docs_show()
    {
        for (var i = 0; i < 3; i++)
            await _binding.Call("exec", null, ("sql", $"INSERT INTO {_table} (id, name, ts, tags, raw) VALUES ({i}, 'test-{i}', '2020-09-24T04:13:46', ARRAY['x','y'], '\\x0102')"));
        var rows = await _binding.Call("query", null, ("sql", $"SELECT id, name, ts FROM {_table} WHERE id < 3 ORDER BY id"));
        Assert.Equal("""[[0,"test-0","2020-09-24T04:13:46Z"],[1,"test-1","2020-09-24T04:13:46Z"],[2,"test-2","2020-09-24T04:13:46Z"]]""", rows.Text());
        var extra = await _binding.Call("query", null, ("sql", $"SELECT tags, raw FROM {_table} WHERE id = 0"));
        Assert.Equal("""[[["x","y"],"AQI="]]""", extra.Text());
        Assert.Equal("[]", (await _binding.Call("query", null, ("sql", $"SELECT id FROM {_table} WHERE id < 0"))).Text());
    }

    [Fact]
    public async Task Errors_carry_daprs_messages()
    {
        var noSql = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("exec"));
        Assert.Equal("required metadata not set: sql", noSql.Message);
        var badParams = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("exec", null, ("sql", "SELECT 1"), ("params", "{\"a\":1}")));
        Assert.StartsWith("invalid metadata property params: failed to unserialize into an array", badParams.Message);
        var badSql = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("query", null, ("sql", "SELECT * FROM no_such_table_xyz")));
        Assert.StartsWith("error executing query: relation \"no_such_table_xyz\" does not exist", badSql.Message);
        await Assert.ThrowsAsync<UnsupportedBindingOperationException>(() => _binding.Call("create", null, ("sql", "SELECT 1")));
    }

    [Fact]
    public async Task Close_closes_the_pool_and_later_calls_fail_but_close_again_succeeds()
    {
        await using var binding = New(("connectionString", TestServers.Postgres));
        await binding.InitAsync(default);
        Assert.True((await binding.Call("close")).IsEmpty);
        var e = await Assert.ThrowsAsync<BindingOperationException>(() => binding.Call("query", null, ("sql", "SELECT 1")));
        Assert.Equal("component is closed", e.Message);
        Assert.True((await binding.Call("close")).IsEmpty);
    }

    [Fact]
    public async Task Every_connection_string_form_dapr_documents_connects()
    {
        var b = new NpgsqlConnectionStringBuilder(TestServers.Postgres);
        var libpq = $"host={b.Host} port={b.Port} user={b.Username} database={b.Database} connect_timeout=10";
        var url = $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}?sslmode=disable";
        foreach (var metadata in new[]
        {
            new[] { ("connectionString", libpq) },
            new[] { ("url", url) }, // the older docs' field name
            new[] { ("connectionString", TestServers.Postgres) },
            new[] { ("host", b.Host!), ("port", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("user", b.Username!), ("database", b.Database!) },
        })
        {
            await using var binding = New(metadata);
            await binding.InitAsync(default);
            Assert.Equal("[[1]]", (await binding.Call("query", null, ("sql", "SELECT 1"))).Text());
        }
    }

    [Fact]
    public void Configuration_mistakes_name_the_field()
    {
        var none = Assert.Throws<ComponentConfigurationException>(() => New());
        Assert.Contains("field 'connectionString': is required", none.Message);
        var bad = Assert.Throws<ComponentConfigurationException>(() => New(("connectionString", "host=x port=notaport")));
        Assert.Contains("field 'connectionString'", bad.Message);
        var timeout = Assert.Throws<ComponentConfigurationException>(() => New(("connectionString", TestServers.Postgres), ("timeout", "soon")));
        Assert.Contains("field 'timeout'", timeout.Message);
    }

    [Fact]
    public async Task A_wrong_password_or_address_fails_init()
    {
        await using var binding = New(("connectionString", "host=127.0.0.1 port=1 user=postgres connect_timeout=2"));
        await Assert.ThrowsAnyAsync<Exception>(() => binding.InitAsync(default));
    }

    [Fact]
    public void Durations_are_written_as_go_does()
    {
        Assert.Equal("294µs", GoDuration.Format(TimeSpan.FromTicks(2940)));
        Assert.Equal("1.5ms", GoDuration.Format(TimeSpan.FromTicks(15000)));
        Assert.Equal("2.5s", GoDuration.Format(TimeSpan.FromMilliseconds(2500)));
        Assert.Equal("1m30s", GoDuration.Format(TimeSpan.FromSeconds(90)));
        Assert.Equal("0s", GoDuration.Format(TimeSpan.Zero));
    }
}
