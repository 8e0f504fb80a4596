using ActorRuntime.Components.Configuration;
using ActorRuntime.Gateway.Observability;

namespace ActorRuntime.Gateway.Tests;

/// <summary>Dapr's HTTP metric cardinality rules (<c>increasedCardinality</c>, <c>pathMatching</c>, <c>excludeVerbs</c>).</summary>
public class MetricsPathLabelTests
{
    [Theory]
    [InlineData(false, "/orders/1", "/orders/{orderID}")]
    [InlineData(false, "/orders/1/items", "")]
    [InlineData(false, "/v1.0/state/statestore/k", "")]
    [InlineData(true, "/orders/7", "/orders/{orderID}")]
    [InlineData(true, "/v1.0/state/statestore/k", "/v1.0/state/statestore/k")]
    [InlineData(true, "/Orders/7", "/Orders/7")]
    public void Matched_paths_report_their_pattern_and_others_follow_increasedCardinality(bool increased, string path, string label)
    {
        var rules = new MetricsPathLabel(new MetricsSpec { IncreasedCardinality = increased, PathMatching = ["/orders/{orderID}"] });
        Assert.Equal(label, rules.Path(path));
    }

    [Fact]
    public void ExcludeVerbs_reports_every_method_as_empty()
    {
        Assert.Equal("", new MetricsPathLabel(new MetricsSpec { ExcludeVerbs = true }).Method("GET"));
        Assert.Equal("POST", new MetricsPathLabel(MetricsSpec.Default).Method("POST"));
    }
}
