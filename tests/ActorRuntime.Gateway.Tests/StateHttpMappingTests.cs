using System.Net;
using System.Text;
using System.Text.Json;

namespace ActorRuntime.Gateway.Tests;

/// <summary>Dapr's state HTTP contract as the gateway maps it: status codes, ETag headers and error bodies.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StateHttpMappingTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Gateway.Http;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string NewKey() => "k-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Save_then_get_returns_the_value_and_its_etag()
    {
        var key = NewKey();
        var save = await Http.PostAsync("/v1.0/state/statestore", Json("[{\"key\":\"" + key + "\",\"value\":{\"qty\":2}}]"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        var get = await Http.GetAsync($"/v1.0/state/statestore/{key}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("""{"qty":2}""", await get.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(get.Headers.ETag?.Tag ?? get.Headers.GetValues("ETag").Single()));
    }

    [Fact]
    public async Task A_missing_key_is_204_with_no_body()
    {
        var get = await Http.GetAsync($"/v1.0/state/statestore/{NewKey()}");
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
        Assert.Empty(await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_stale_etag_is_409_ERR_STATE_SAVE()
    {
        var key = NewKey();
        await Http.PostAsync("/v1.0/state/statestore", Json($$"""[{"key":"{{key}}","value":1}]"""));
        var stale = await Http.PostAsync("/v1.0/state/statestore", Json($$"""[{"key":"{{key}}","value":2,"etag":"12345"}]"""));
        await AssertError(stale, HttpStatusCode.Conflict, "ERR_STATE_SAVE");
    }

    [Fact]
    public async Task An_unknown_store_is_400_ERR_STATE_STORE_NOT_FOUND()
    {
        var get = await Http.GetAsync("/v1.0/state/nope/k");
        await AssertError(get, HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task A_malformed_body_is_400_ERR_MALFORMED_REQUEST()
    {
        var save = await Http.PostAsync("/v1.0/state/statestore", Json("""[{"key":"""));
        await AssertError(save, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
    }

    [Fact]
    public async Task A_key_with_the_prefix_separator_is_refused()
    {
        var save = await Http.PostAsync("/v1.0/state/statestore", Json("""[{"key":"a||b","value":1}]"""));
        await AssertError(save, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
    }

    [Fact]
    public async Task Two_stores_of_one_app_keep_their_keys_apart()
    {
        var key = NewKey();
        await Http.PostAsync("/v1.0/state/statestore", Json($$"""[{"key":"{{key}}","value":"in statestore"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.GetAsync($"/v1.0/state/cache/{key}")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_api_route_is_Daprs_404()
    {
        var get = await Http.GetAsync("/v1.0/nothing-here");
        await AssertError(get, HttpStatusCode.NotFound, "ERR_NOT_FOUND");
    }

    internal static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(errorCode, json.RootElement.GetProperty("errorCode").GetString());
        var message = json.RootElement.GetProperty("message").GetString()!;
        // No stack frame, grain id or silo address reaches a caller.
        Assert.DoesNotMatch(@"\bat [A-Za-z_][\w.`]*\(", message);
        Assert.DoesNotContain("S127.0.0.1", message);
    }
}
