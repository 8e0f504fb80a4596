using System.Diagnostics.Metrics;

namespace ActorRuntime.Components.Observability;

/// <summary>
/// The one <see cref="Meter"/> every Dapr-named instrument of the runtime lives on. Instruments are static so the
/// components, grains and gateway record without plumbing; nothing is aggregated unless a metrics endpoint listens
/// (<c>--enable-metrics</c>), so an instrument with no listener costs one branch per record.
/// </summary>
/// <remarks>
/// Names are Dapr's exactly (<c>dapr_http_server_latency</c>, not OpenTelemetry's <c>http.server.request.duration</c>):
/// dashboards and alerts written for daprd keep working. Units are not set on the instruments because the Prometheus
/// exporter would add them to the names (<c>_milliseconds</c>); the descriptions say the unit as Dapr's do.
/// </remarks>
public static class DaprMeter
{
    public const string Name = "ActorRuntime.Dapr";

    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Dapr's default latency buckets, in milliseconds (<c>defaultLatencyDistribution</c>).</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 300, 400, 500, 650, 800, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

    /// <summary>Dapr's default size buckets, in bytes (<c>defaultSizeDistribution</c>).</summary>
    public static readonly IReadOnlyList<long> SizeBuckets =
        [1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

    internal static Counter<long> Counter(string name, string description) => Meter.CreateCounter<long>(name, null, description);

    internal static Histogram<double> Latency(string name, string description) =>
        Meter.CreateHistogram(name, null, description + " (milliseconds)", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    internal static Histogram<long> Size(string name, string description) =>
        Meter.CreateHistogram(name, null, description + " (bytes)", null, new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });

    /// <summary>Milliseconds since <paramref name="startTimestamp"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public static double ElapsedMilliseconds(long startTimestamp) =>
        System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
