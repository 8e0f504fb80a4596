using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Http;

/// <summary>Error paths of the HTTP API: each one checks the status and Dapr's <c>{"errorCode","message"}</c> body.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class HttpErrorTests(StateRuntimeFixture fixture)
{
    private readonly StateHttp _api = new(fixture.Runtime.Http);

    [Fact]
    public async Task Unknown_store_is_400_ERR_STATE_STORE_NOT_FOUND_on_every_state_route()
    {
        const string store = "no-such-store";
        const string code = "ERR_STATE_STORE_NOT_FOUND";
        using (var r = await _api.Client.GetAsync($"/v1.0/state/{store}/k"))
            await StateHttp.ExpectErrorAsync(r, 400, code, "GET on an unknown store");
        using (var r = await _api.SaveRawAsync(store, new JsonArray(new JsonObject { ["key"] = "k", ["value"] = 1 })))
            await StateHttp.ExpectErrorAsync(r, 400, code, "save on an unknown store");
        using (var r = await _api.DeleteAsync(store, "k"))
            await StateHttp.ExpectErrorAsync(r, 400, code, "DELETE on an unknown store");
        using (var r = await _api.PostAsync($"/v1.0/state/{store}/bulk", """{"keys":["k"]}"""))
            await StateHttp.ExpectErrorAsync(r, 400, code, "bulk get on an unknown store");
        using (var r = await _api.PostAsync($"/v1.0/state/{store}/transaction", """{"operations":[]}"""))
            await StateHttp.ExpectErrorAsync(r, 400, code, "transaction on an unknown store");
        using (var r = await _api.PostAsync($"/v1.0-alpha1/state/{store}/query", """{"filter":{}}"""))
            await StateHttp.ExpectErrorAsync(r, 400, code, "query on an unknown store");
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Key_containing_double_pipe_is_400_ERR_MALFORMED_REQUEST(string store)
    {
        const string key = "bad||key";
        using (var r = await _api.Client.GetAsync($"/v1.0/state/{store}/{key}"))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "GET of a key with ||");
        using (var r = await _api.SaveRawAsync(store, new JsonArray(new JsonObject { ["key"] = key, ["value"] = 1 })))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "save of a key with ||");
        using (var r = await _api.DeleteAsync(store, key))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "DELETE of a key with ||");
        using (var r = await _api.PostAsync($"/v1.0/state/{store}/bulk", $$"""{"keys":["fine","{{key}}"]}"""))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "bulk get of a key with ||");
        var tx = $$$"""{"operations":[{"operation":"upsert","request":{"key":"{{{key}}}","value":1}}]}""";
        using (var r = await _api.PostAsync($"/v1.0/state/{store}/transaction", tx))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "transaction on a key with ||");
    }

    [Theory]
    [InlineData("/v1.0/state/{0}", "{not json")]
    [InlineData("/v1.0/state/{0}", "")]
    [InlineData("/v1.0/state/{0}", """{"key":"not-an-array","value":1}""")]
    [InlineData("/v1.0/state/{0}", """[{"value":"no key"}]""")]
    [InlineData("/v1.0/state/{0}/bulk", "[1,2")]
    [InlineData("/v1.0/state/{0}/bulk", """{"nokeys":true}""")]
    [InlineData("/v1.0/state/{0}/transaction", "nope")]
    [InlineData("/v1.0/state/{0}/transaction", """{"operations":"not-a-list"}""")]
    [InlineData("/v1.0-alpha1/state/{0}/query", "{\"filter\":")]
    public async Task Malformed_body_is_400_ERR_MALFORMED_REQUEST(string route, string body)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, StateRuntimeFixture.Sqlite);
        using var r = await _api.PostAsync(path, body);
        await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", $"POST {path} with body '{body}'");
    }

    [Fact]
    public async Task Malformed_save_changes_nothing()
    {
        var key = Keys.New("partial");
        // The second item is broken: the request is rejected as a whole before anything is written.
        using var r = await _api.PostAsync($"/v1.0/state/{StateRuntimeFixture.Sqlite}", $$"""[{"key":"{{key}}","value":1},{"value":2}]""");
        await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "save with one item missing its key");
        await _api.AssertMissingAsync(StateRuntimeFixture.Sqlite, key);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Unknown_transaction_operation_is_400_ERR_NOT_SUPPORTED_STATE_OPERATION(string store)
    {
        var key = Keys.New("badop");
        var tx = $$$"""{"operations":[{"operation":"upsert","request":{"key":"{{{key}}}","value":1}},{"operation":"merge","request":{"key":"{{{key}}}","value":2}}]}""";
        using var r = await _api.PostAsync($"/v1.0/state/{store}/transaction", tx);
        await StateHttp.ExpectErrorAsync(r, 400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"transaction with operation 'merge' on {store}");
        await _api.AssertMissingAsync(store, key);
    }

    [Theory]
    [InlineData("GET", "/v1.0/does-not-exist")]
    [InlineData("POST", "/v1.0/nothing/here")]
    [InlineData("GET", "/v1.0/state")]
    public async Task Unknown_v1_route_is_404(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var r = await _api.Client.SendAsync(request);
        await StateHttp.ExpectErrorAsync(r, 404, "ERR_NOT_FOUND", $"{method} {path}");
    }

    [Fact]
    public async Task Wrong_verb_on_a_state_route_is_not_a_success()
    {
        // PATCH is not one of the save verbs (POST, PUT).
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1.0/state/{StateRuntimeFixture.Sqlite}")
        {
            Content = StateHttp.Json("""[{"key":"k","value":1}]"""),
        };
        using var r = await _api.Client.SendAsync(request);
        Assert.True((int)r.StatusCode is 404 or 405, $"PATCH on the save route answered {(int)r.StatusCode}");
        Assert.NotEqual(HttpStatusCode.NoContent, r.StatusCode);
    }
}
