using System.Text;
using ActorRuntime.Components.Actors;

namespace ActorRuntime.Components.Tests.Actors;

public class ActorHostConfigTests
{
    private static ActorHostConfig Parse(string json) => ActorHostConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void DotNet_sdk_shape()
    {
        // What Dapr.Actors.AspNetCore writes (ActorRuntime.SerializeSettingsAndRegisteredTypes, ConverterUtils format).
        var c = Parse("""
            {"entities":["MyActor","OtherActor"],"actorIdleTimeout":"1h0m0s0ms","actorScanInterval":"0h0m30s0ms",
             "drainOngoingCallTimeout":"0h1m0s0ms","drainRebalancedActors":true,"remindersStoragePartitions":7,
             "reentrancy":{"enabled":true,"maxStackDepth":16},
             "entitiesConfig":[{"entities":["OtherActor"],"actorIdleTimeout":"0h5m0s0ms","reentrancy":{"enabled":false}}]}
            """);
        Assert.Equal(["MyActor", "OtherActor"], c.Entities);
        var my = c.For("MyActor");
        Assert.Equal(new ActorTypeSettings(TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), true, true, 16, 7), my);
        var other = c.For("OtherActor");
        Assert.Equal(TimeSpan.FromMinutes(5), other.IdleTimeout);
        Assert.False(other.ReentrancyEnabled);
        Assert.Equal(32, other.MaxStackDepth);
        Assert.Equal(TimeSpan.FromMinutes(1), other.DrainOngoingCallTimeout); // inherited
        Assert.Equal(7, other.RemindersStoragePartitions);
        Assert.Equal(my, c.For("Unknown"));
    }

    [Fact]
    public void DotNet_sdk_minimal_shape_uses_dapr_defaults()
    {
        var c = Parse("""{"entities":["A"],"reentrancy":{"enabled":false}}""");
        Assert.Equal(ActorTypeSettings.Default, c.For("A"));
        Assert.Equal(TimeSpan.FromMinutes(60), c.Defaults.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), c.Defaults.ScanInterval);
        Assert.True(c.Defaults.DrainRebalancedActors);
    }

    [Fact]
    public void Java_sdk_shape()
    {
        var c = Parse("""
            {"entities":["DemoActor"],"actorIdleTimeout":"1h0m0s0ms","actorScanInterval":"0h0m30s0ms",
             "drainOngoingCallTimeout":"0h0m10s0ms","drainRebalancedActors":false,"remindersStoragePartitions":0}
            """);
        var s = c.For("DemoActor");
        Assert.Equal(TimeSpan.FromSeconds(10), s.DrainOngoingCallTimeout);
        Assert.False(s.DrainRebalancedActors);
    }

    [Fact]
    public void Node_and_python_shapes()
    {
        var node = Parse("""{"entities":["Counter"],"actorIdleTimeout":"1h","actorScanInterval":"30s","drainOngoingCallTimeout":"1m","drainRebalancedActors":true,"reentrancy":{"enabled":false,"maxStackDepth":32}}""");
        Assert.Equal(TimeSpan.FromHours(1), node.For("Counter").IdleTimeout);
        var python = Parse("""{"entities":["P"],"actorIdleTimeout":"1h0m0s0ms0μs","actorScanInterval":"0h0m30s0ms0μs","drainOngoingCallTimeout":"0h1m0s0ms0μs","drainRebalancedActors":true}""");
        Assert.Equal(TimeSpan.FromSeconds(30), python.For("P").ScanInterval);
    }

    [Theory]
    [InlineData("01:00:00", 3600)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData("PT1H", 3600)]
    [InlineData("P1D", 86400)]
    [InlineData("90m", 5400)]
    [InlineData("", 3600)]
    public void Duration_forms(string text, double seconds)
    {
        var c = Parse($$"""{"entities":[],"actorIdleTimeout":"{{text}}"}""");
        Assert.Equal(TimeSpan.FromSeconds(seconds), c.Defaults.IdleTimeout);
    }

    [Fact]
    public void Tolerant_of_unknown_fields_case_and_empty_bodies()
    {
        var c = Parse("""{"Entities":["A"],"ActorIdleTimeout":"10s","somethingNew":{"x":1},"drainRebalancedActors":"false"}""");
        Assert.Equal(["A"], c.Entities);
        Assert.Equal(TimeSpan.FromSeconds(10), c.For("A").IdleTimeout);
        Assert.False(c.For("A").DrainRebalancedActors);
        Assert.Empty(ActorHostConfig.Parse([]).Entities);
        Assert.Empty(Parse("  ").Entities);
        Assert.Empty(Parse("null").Entities);
        Assert.Empty(Parse("{}").Entities);
    }

    [Theory]
    [InlineData("""{"actorIdleTimeout":3600}""", "actorIdleTimeout")]
    [InlineData("""{"actorIdleTimeout":"soon"}""", "actorIdleTimeout")]
    [InlineData("""{"actorIdleTimeout":"0s"}""", "actorIdleTimeout")]
    [InlineData("""{"actorScanInterval":"-1s"}""", "actorScanInterval")]
    [InlineData("""{"entities":"A"}""", "entities")]
    [InlineData("""{"entities":[1]}""", "entities")]
    [InlineData("""{"reentrancy":{"enabled":"maybe"}}""", "reentrancy.enabled")]
    [InlineData("""{"reentrancy":{"enabled":true,"maxStackDepth":0}}""", "reentrancy.maxStackDepth")]
    [InlineData("""{"remindersStoragePartitions":-1}""", "remindersStoragePartitions")]
    [InlineData("""{"entitiesConfig":[{"entities":[]}]}""", "entitiesConfig[0].entities")]
    [InlineData("""{"entitiesConfig":[{"entities":["A"],"actorIdleTimeout":"x"}]}""", "entitiesConfig[0].actorIdleTimeout")]
    [InlineData("""{"entitiesConfig":[{"entities":["A"]},{"entities":["A"]}]}""", "'A'")]
    [InlineData("""[1,2]""", "object")]
    [InlineData("""{"entities":[""", "invalid JSON")]
    public void Errors_name_the_field(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Parse(json));
        Assert.Contains(expected, e.Message);
    }
}
