using System.Text.Json;

namespace ActorRuntime.Gateway.Tests;

/// <summary>The metadata API reports each component with the capabilities its type declares.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MetadataMappingTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Components_are_listed_with_their_capabilities_and_ACTOR_only_on_the_actor_store()
    {
        using var json = JsonDocument.Parse(await fixture.Gateway.Http.GetStringAsync("/v1.0/metadata"));
        Assert.Equal(fixture.Gateway.AppId, json.RootElement.GetProperty("id").GetString());
        var components = json.RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        Assert.Equal("state.in-memory", components["statestore"].GetProperty("type").GetString());
        string[] Capabilities(string name) => [.. components[name].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()!)];
        Assert.Contains("ETAG", Capabilities("statestore"));
        Assert.Contains("TRANSACTIONAL", Capabilities("statestore"));
        Assert.Contains("ACTOR", Capabilities("statestore"));
        Assert.DoesNotContain("ACTOR", Capabilities("cache"));
        Assert.Contains("QUERY_API", Capabilities("cache"));
    }
}
