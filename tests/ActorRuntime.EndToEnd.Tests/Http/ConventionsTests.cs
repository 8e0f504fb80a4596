using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Http;

/// <summary>Section 0 conventions of the Dapr HTTP API: trailing slashes, consistency hints, trace context.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class ConventionsTests(StateRuntimeFixture fixture)
{
    private readonly StateHttp _api = new(fixture.Runtime.Http);

    [Fact]
    public async Task A_trailing_slash_is_tolerated_on_state_routes()
    {
        // daprd strips one trailing slash before routing: /state/{store}/{key}/ is the key, not "key/".
        // (Routing, not storage: one store is enough.)
        const string store = StateRuntimeFixture.Sqlite;
        var key = Keys.New("slash");
        using (var save = await _api.Client.PostAsync($"/v1.0/state/{store}/", StateHttp.Json($$$"""[{"key":"{{{key}}}","value":"v"}]""")))
            await StateHttp.ExpectAsync(save, HttpStatusCode.NoContent, $"POST /v1.0/state/{store}/");

        var read = await _api.GetAsync(store, key + "/");
        Assert.True(read.Status == HttpStatusCode.OK && read.Body == "\"v\"",
            $"GET /v1.0/state/{store}/{key}/ answered {(int)read.Status} '{read.Body}', expected the value of '{key}'");

        using (var delete = await _api.DeleteAsync(store, key + "/"))
            await StateHttp.ExpectAsync(delete, HttpStatusCode.NoContent, $"DELETE /v1.0/state/{store}/{key}/");
        await _api.AssertMissingAsync(store, key);
    }

    [Fact]
    public async Task A_trailing_slash_is_tolerated_on_metadata_and_health()
    {
        using (var m = await _api.Client.GetAsync("/v1.0/metadata/"))
            await StateHttp.ExpectAsync(m, HttpStatusCode.OK, "GET /v1.0/metadata/");
        using (var h = await _api.Client.GetAsync("/v1.0/healthz/"))
            await StateHttp.ExpectAsync(h, HttpStatusCode.NoContent, "GET /v1.0/healthz/");
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Consistency_and_concurrency_hints_are_accepted(string store)
    {
        var key = Keys.New("hint");
        await _api.SaveAsync(store, key, 1, extra: new JsonObject
        {
            ["options"] = new JsonObject { ["concurrency"] = "last-write", ["consistency"] = "strong" },
        });
        foreach (var consistency in new[] { "strong", "eventual" })
        {
            var read = await _api.GetAsync(store, key, $"?consistency={consistency}");
            Assert.True(read.Status == HttpStatusCode.OK && read.Body == "1", $"GET ?consistency={consistency}: {(int)read.Status} {read.Body}");
        }
        using var delete = await _api.DeleteAsync(store, key, query: "?concurrency=last-write&consistency=strong");
        await StateHttp.ExpectAsync(delete, HttpStatusCode.NoContent, "DELETE with concurrency and consistency");
        await _api.AssertMissingAsync(store, key);
    }

    [Fact]
    public async Task Trace_context_is_returned_on_responses()
    {
        // W3C trace context: accepted, created when absent, and returned on responses.
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        using var response = await _api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("traceparent", out var echoed),
            "no traceparent header on the response to a request that carried one");
        Assert.Contains(traceId, echoed.Single());

        using var fresh = await _api.Client.GetAsync("/v1.0/metadata");
        Assert.True(fresh.Headers.TryGetValues("traceparent", out var created), "no traceparent created for a request without one");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", created.Single());
    }
}
