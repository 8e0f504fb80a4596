using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.Loading;

namespace ActorRuntime.Components.Tests.Configuration;

/// <summary><c>spec.metrics</c> of a Configuration file: daprd's defaults and every mistake named by file and field.</summary>
public class MetricsSpecTests
{
    private const string Header = "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: appconfig\n";

    private static RuntimeConfiguration Load(string yaml)
    {
        using var dir = new TempDir();
        return RuntimeConfigurationLoader.Load(dir.Write("config.yaml", yaml));
    }

    [Fact]
    public void Defaults_are_recent_daprds_metrics_on_and_low_cardinality()
    {
        var m = Load(Header + "spec: {}\n").Metrics;
        Assert.True(m.Enabled);
        Assert.False(m.IncreasedCardinality);
        Assert.Empty(m.PathMatching);
        Assert.False(m.ExcludeVerbs);
        Assert.Empty(m.LatencyDistributionBuckets);
    }

    [Fact]
    public void Reads_enabled_http_rules_and_buckets()
    {
        var m = Load(Header + """
            spec:
              metrics:
                enabled: false
                http:
                  increasedCardinality: true
                  excludeVerbs: true
                  pathMatching:
                  - /orders/{orderID}
                latencyDistributionBuckets: [10, 25, 100]
            """).Metrics;
        Assert.False(m.Enabled);
        Assert.True(m.IncreasedCardinality);
        Assert.True(m.ExcludeVerbs);
        Assert.Equal(["/orders/{orderID}"], m.PathMatching);
        Assert.Equal([10.0, 25.0, 100.0], m.LatencyDistributionBuckets);
    }

    [Theory]
    [InlineData("  metrics:\n    enabled: maybe\n", "spec.metrics.enabled")]
    [InlineData("  metrics:\n    http:\n      pathMatching:\n      - orders/{id}\n", "spec.metrics.http.pathMatching[0]")]
    [InlineData("  metrics:\n    latencyDistributionBuckets: [10, 5]\n", "spec.metrics.latencyDistributionBuckets[1]")]
    [InlineData("  metrics:\n    latencyDistributionBuckets: [fast]\n", "spec.metrics.latencyDistributionBuckets[0]")]
    public void A_mistake_names_the_file_and_field(string spec, string field)
    {
        using var dir = new TempDir();
        var file = dir.Write("config.yaml", Header + "spec:\n" + spec);
        var e = Assert.Throws<ComponentConfigurationException>(() => RuntimeConfigurationLoader.Load(file));
        Assert.Contains(file, e.Message);
        Assert.Contains(field, e.Message);
    }
}
