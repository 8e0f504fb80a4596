using System.Net;
using System.Text;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary><c>POST</c>/<c>PUT /v1.0/bindings/{name}</c> against every output binding kind, and daprd's answers to bad input.</summary>
[Collection(BindingsRuntimeCollection.Name)]
public sealed class BindingsHttpApiTests(BindingsRuntimeFixture fixture)
{
    private HttpClient Http => fixture.Runtime.Http;

    private Task<HttpResponseMessage> Send(string name, string body, HttpMethod? method = null) =>
        Http.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Post, $"/v1.0/bindings/{name}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });

    private Task<HttpResponseMessage> Send(string name, object request) => Send(name, JsonSerializer.Serialize(request));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code, string message)
    {
        Assert.Equal(status, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, doc.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(message, doc.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Redis_create_get_delete_increment_as_in_daprs_docs()
    {
        var key = "e2e-" + Guid.NewGuid().ToString("N");
        // The docs' create request: 204, and the value is the JSON daprd hands the binding (compact, keys sorted).
        var create = await Send("redis-binding", """{ "operation": "create", "metadata": { "key": "KEY" }, "data": { "Lorem": "Ipsum", "Hello": "World" } }""".Replace("KEY", key));
        Assert.Equal(HttpStatusCode.NoContent, create.StatusCode);
        Assert.Equal("""{"Hello":"World","Lorem":"Ipsum"}""", (string?)await fixture.Redis.GetDatabase().StringGetAsync(key));

        var get = await Send("redis-binding", new { operation = "get", metadata = new { key } });
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("""{"Hello":"World","Lorem":"Ipsum"}""", await get.Content.ReadAsStringAsync());

        // A JSON string is passed on as JSON text, quotes included (daprd marshals `data` again).
        Assert.Equal(HttpStatusCode.NoContent, (await Send("redis-binding", new { operation = "create", data = "Hello World", metadata = new { key, ttlInSeconds = "60" } })).StatusCode);
        Assert.Equal("\"Hello World\"", (string?)await fixture.Redis.GetDatabase().StringGetAsync(key));
        Assert.InRange((await fixture.Redis.GetDatabase().KeyTimeToLiveAsync(key))!.Value.TotalSeconds, 30, 60);

        Assert.Equal(HttpStatusCode.NoContent, (await Send("redis-binding", new { operation = "delete", metadata = new { key } })).StatusCode);
        var missing = await Send("redis-binding", new { operation = "get", metadata = new { key } });
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Equal("", await missing.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await Send("redis-binding", new { operation = "increment", metadata = new { key } }, HttpMethod.Put)).StatusCode);
        Assert.Equal(1, (long)await fixture.Redis.GetDatabase().StringGetAsync(key));
        await fixture.Redis.GetDatabase().KeyDeleteAsync(key);
    }

    private Task<HttpResponseMessage> Send(string name, object request, HttpMethod method) => Send(name, JsonSerializer.Serialize(request), method);

    [Fact]
    public async Task Postgresql_exec_and_query_answer_rows_and_metadata_headers()
    {
        var table = fixture.Table;
        var ddl = await Send("sqldb", new { operation = "exec", metadata = new { sql = $"CREATE TABLE IF NOT EXISTS {table} (orderid INT PRIMARY KEY, customer TEXT, price NUMERIC)" } });
        Assert.Equal(HttpStatusCode.OK, ddl.StatusCode);
        var insert = await Send("sqldb", new
        {
            operation = "exec",
            metadata = new { sql = $"INSERT INTO {table} (orderid, customer, price) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", @params = "[1, \"John Smith\", 100.32]" },
        });
        Assert.Equal(HttpStatusCode.OK, insert.StatusCode);
        Assert.Equal("", await insert.Content.ReadAsStringAsync());
        Assert.Equal("exec", Header(insert, "metadata.operation"));
        Assert.Equal("1", Header(insert, "metadata.rows-affected"));
        Assert.NotNull(Header(insert, "metadata.start-time"));
        Assert.NotNull(Header(insert, "metadata.end-time"));
        // Go durations such as "294µs" are not ASCII: they travel as UTF-8 header values, as daprd sends them.
        Assert.Matches(@"^\d+(\.\d+)?(µs|ms|s)$", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(Header(insert, "metadata.duration")!)));

        var query = await Send("sqldb", new { operation = "query", metadata = new { sql = $"SELECT orderid, customer, price FROM {table} WHERE orderid = 1" } });
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Equal("""[[1,"John Smith",100.32]]""", await query.Content.ReadAsStringAsync());
        Assert.Equal("query", Header(query, "metadata.operation"));

        var bad = await Send("sqldb", new { operation = "query", metadata = new { sql = "SELECT * FROM no_such_table_e2e" } });
        await AssertError(bad, HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING",
            "error invoking output binding sqldb: error executing query: relation \"no_such_table_e2e\" does not exist (SQLSTATE 42P01)");
    }

    [Fact]
    public async Task Http_binding_sends_the_request_and_returns_status_and_headers_as_metadata()
    {
        var response = await Send("webhook", new { operation = "post", data = new { id = 1 }, metadata = new { path = "/orders", X_Ignored = "x" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST {\"id\":1}", await response.Content.ReadAsStringAsync());
        Assert.Equal("200", Header(response, "metadata.statusCode"));
        Assert.Equal("200 OK", Header(response, "metadata.status"));
        Assert.Equal("listener", Header(response, "metadata.X-Target"));
        var sent = fixture.Received.Last(r => r.Path == "/api/orders");
        Assert.Equal("e2e-token", sent.Headers["X-Api-Token"]);
        Assert.Equal("application/json; charset=utf-8", sent.Headers["Content-Type"]);
        Assert.NotNull(sent.Headers["traceparent"]); // daprd hands the call's trace context to the binding

        // A non-2xx answer is ERR_INVOKE_OUTPUT_BINDING, with the target's status still in the metadata headers.
        var failed = await Send("webhook", new { operation = "get", metadata = new { path = "status/404" } });
        await AssertError(failed, HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING", "error invoking output binding webhook: received status code 404");
        Assert.Equal("404", Header(failed, "metadata.statusCode"));
    }

    [Fact]
    public async Task Localstorage_create_get_list_delete_and_an_escaping_name_is_refused()
    {
        var name = "e2e/" + Guid.NewGuid().ToString("N") + ".txt";
        var create = await Send("files", new { operation = "create", data = "Hello World", metadata = new { fileName = name } });
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(JsonSerializer.Serialize(new { fileName = name }), await create.Content.ReadAsStringAsync());
        Assert.Equal("Hello World", File.ReadAllText(Path.Combine(fixture.FilesRoot, name)));
        Assert.Equal("Hello World", await (await Send("files", new { operation = "get", metadata = new { fileName = name } })).Content.ReadAsStringAsync());
        var list = JsonSerializer.Deserialize<string[]>(await (await Send("files", new { operation = "list", metadata = new { fileName = "e2e" } })).Content.ReadAsStringAsync())!;
        Assert.Contains(Path.Combine(fixture.FilesRoot, name), list);
        Assert.Equal(HttpStatusCode.NoContent, (await Send("files", new { operation = "delete", metadata = new { fileName = name } })).StatusCode);

        var escape = await Send("files", new { operation = "get", metadata = new { fileName = "../resources/files.yaml" } });
        await AssertError(escape, HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING",
            "error invoking output binding files: fileName '../resources/files.yaml' resolves outside rootPath; only files under rootPath can be used");
    }

    [Fact]
    public async Task Bad_input_gets_daprds_errors()
    {
        var malformed = await Send("redis-binding", "{not json");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using (var doc = JsonDocument.Parse(await malformed.Content.ReadAsStringAsync()))
        {
            Assert.Equal("ERR_MALFORMED_REQUEST", doc.RootElement.GetProperty("errorCode").GetString());
            Assert.StartsWith("failed deserializing HTTP body: ", doc.RootElement.GetProperty("message").GetString());
        }
        var wrongType = await Send("redis-binding", """{"operation":"get","metadata":{"key":1}}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);

        await AssertError(await Send("nope", new { operation = "create" }), HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING",
            "error invoking output binding nope: couldn't find output binding nope");
        await AssertError(await Send("redis-binding", new { data = 1 }), HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING",
            "error invoking output binding redis-binding: operation field is missing from request");
        await AssertError(await Send("redis-binding", new { operation = "exec", metadata = new { key = "k" } }), HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING",
            "error invoking output binding redis-binding: binding redis-binding does not support operation exec. supported operations:create delete get increment");
        await AssertError(await Send("redis-binding", new { operation = "get" }), HttpStatusCode.InternalServerError, "ERR_INVOKE_OUTPUT_BINDING",
            "error invoking output binding redis-binding: redis binding: missing key in request metadata");
        // The binding API answers POST and PUT only.
        var get = await Http.GetAsync("/v1.0/bindings/redis-binding");
        Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task The_metadata_api_lists_binding_components_as_output_bindings()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("/v1.0/metadata"));
        var components = doc.RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        foreach (var (name, type) in new[] { ("redis-binding", "bindings.redis"), ("sqldb", "bindings.postgresql"), ("webhook", "bindings.http"), ("files", "bindings.localstorage") })
        {
            Assert.Equal(type, components[name].GetProperty("type").GetString());
            Assert.Equal(["OUTPUT_BINDING"], components[name].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()!).ToArray());
        }
    }
}
