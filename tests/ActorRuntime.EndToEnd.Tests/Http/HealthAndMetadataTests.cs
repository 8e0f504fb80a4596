using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Http;

/// <summary><c>/v1.0/healthz</c>, <c>/v1.0/healthz/outbound</c> and the metadata API over HTTP.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class HealthAndMetadataTests(StateRuntimeFixture fixture)
{
    private HttpClient Http => fixture.Runtime.Http;

    [Theory]
    [InlineData("/v1.0/healthz")]
    [InlineData("/v1.0/healthz/outbound")]
    public async Task Health_endpoints_answer_204_with_no_body(string path)
    {
        using var r = await Http.GetAsync(path);
        await StateHttp.ExpectAsync(r, HttpStatusCode.NoContent, path);
        Assert.Equal("", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_checks_the_app_id_when_given()
    {
        using (var own = await Http.GetAsync($"/v1.0/healthz?appid={fixture.Runtime.AppId}"))
            await StateHttp.ExpectAsync(own, HttpStatusCode.NoContent, "healthz with this app's id");
        using var other = await Http.GetAsync("/v1.0/healthz?appid=someone-else");
        await StateHttp.ExpectErrorAsync(other, 500, "ERR_HEALTH_APPID_NOT_MATCH", "healthz with another app id");
    }

    [Fact]
    public async Task Metadata_lists_the_app_id_and_every_component_with_type_and_capabilities()
    {
        using var r = await Http.GetAsync("/v1.0/metadata");
        var body = await StateHttp.ExpectAsync(r, HttpStatusCode.OK, "GET /v1.0/metadata");
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(body)!.AsObject();

        Assert.Equal(fixture.Runtime.AppId, json["id"]?.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(json["runtimeVersion"]?.GetValue<string>()), "runtimeVersion missing");
        Assert.NotNull(json["extended"] as JsonObject);
        // SDKs read these as lists; they are present (possibly empty) even when nothing uses them.
        foreach (var list in new[] { "actors", "components", "subscriptions", "httpEndpoints", "enabledFeatures" })
            Assert.True(json[list] is JsonArray, $"metadata '{list}' should be a JSON array: {body}");

        var components = json["components"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => c["name"]!.GetValue<string>());
        foreach (var (name, type) in StateRuntimeFixture.StoreTypes)
        {
            Assert.True(components.TryGetValue(name, out var c), $"component '{name}' not listed: {body}");
            Assert.Equal(type, c!["type"]?.GetValue<string>());
            Assert.Equal("v1", c["version"]?.GetValue<string>());
            var caps = c["capabilities"]!.AsArray().Select(x => x!.GetValue<string>()).ToHashSet();
            // Every store here supports ETags and transactions; S11 - other tests check the claims hold.
            Assert.Contains("ETAG", caps);
            Assert.Contains("TRANSACTIONAL", caps);
            Assert.Contains("TTL", caps);
            if (name != StateRuntimeFixture.Redis) Assert.Contains("QUERY_API", caps);
            // No component was marked actorStateStore, so none claims ACTOR.
            Assert.DoesNotContain("ACTOR", caps);
        }
        Assert.Equal(StateRuntimeFixture.StoreTypes.Count, components.Count);
    }

    [Fact]
    public async Task Put_metadata_attribute_shows_under_extended()
    {
        var key = "e2eAttr" + Guid.NewGuid().ToString("N")[..8];
        foreach (var value in new[] { "first value", "second: overwritten" })
        {
            using var put = await Http.PutAsync($"/v1.0/metadata/{key}", new StringContent(value, Encoding.UTF8, "text/plain"));
            await StateHttp.ExpectAsync(put, HttpStatusCode.NoContent, $"PUT /v1.0/metadata/{key}");
            var json = JsonNode.Parse(await Http.GetStringAsync("/v1.0/metadata"))!;
            Assert.Equal(value, json["extended"]?[key]?.GetValue<string>());
        }
    }
}
