using ActorRuntime.Components.Model;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Components.PubSub.Brokers;
using ActorRuntime.Components.Tests.State;

namespace ActorRuntime.Components.Tests.PubSub;

public sealed class PubSubSettingsTests
{
    [Fact]
    public void Reads_Daprs_metadata_names()
    {
        var s = PubSubSettings.FromMetadata(TestServers.Component("pubsub.redis",
            [("consumerID", "{appID}-group"), ("concurrency", "3"), ("queueDepth", "7"), ("redeliverInterval", "2s"), ("processingTimeout", "1m")]).GetMetadata());

        Assert.Equal((3, 7, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)), (s.Concurrency, s.QueueDepth, s.RedeliverInterval, s.ProcessingTimeout));
        Assert.Equal("orders-group", s.GroupFor("orders"));
        Assert.Equal("orders", PubSubSettings.Default.GroupFor("orders"));
    }

    [Theory]
    [InlineData("concurrency", "zero")]
    [InlineData("queueDepth", "0")]
    [InlineData("redeliverInterval", "soon")]
    [InlineData("maxLenApprox", "-5")]
    public void A_bad_value_names_the_component_and_field(string field, string value)
    {
        var e = Assert.Throws<ComponentConfigurationException>(() =>
            new RedisPubSub(TestServers.Component("pubsub.redis", [("redisHost", "127.0.0.1:1"), (field, value)])));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Both_types_are_built_in()
    {
        Assert.True(Hosting.ComponentTypes.BuiltIn.IsKnown("pubsub.redis"));
        Assert.True(Hosting.ComponentTypes.BuiltIn.IsKnown("pubsub.in-memory"));
    }
}
