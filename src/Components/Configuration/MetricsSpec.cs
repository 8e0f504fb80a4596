namespace ActorRuntime.Components.Configuration;

/// <summary>
/// <c>spec.metrics</c> of a Configuration file. Defaults are recent daprd's: metrics on, low HTTP cardinality
/// (<c>increasedCardinality</c> false since Dapr 1.15: unmatched paths reported as ""), no path patterns, verbs kept,
/// Dapr's latency buckets.
/// </summary>
public sealed record MetricsSpec
{
    public static MetricsSpec Default { get; } = new();

    /// <summary><c>spec.metrics.enabled</c>; false turns the endpoint off like <c>--enable-metrics=false</c>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>spec.metrics.http.increasedCardinality</c>: false drops the path of requests no pattern matches.</summary>
    public bool IncreasedCardinality { get; init; }

    /// <summary><c>spec.metrics.http.pathMatching</c>: patterns such as <c>/orders/{orderID}</c> that paths are reported as.</summary>
    public IReadOnlyList<string> PathMatching { get; init; } = [];

    /// <summary><c>spec.metrics.http.excludeVerbs</c>: report every request with an empty method.</summary>
    public bool ExcludeVerbs { get; init; }

    /// <summary><c>spec.metrics.latencyDistributionBuckets</c> in milliseconds; empty keeps Dapr's defaults.</summary>
    public IReadOnlyList<double> LatencyDistributionBuckets { get; init; } = [];
}
