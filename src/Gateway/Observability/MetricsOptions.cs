using System.ComponentModel.DataAnnotations;

namespace ActorRuntime.Gateway.Observability;

/// <summary>The Prometheus endpoint of one runtime process (<c>--enable-metrics</c>, <c>--metrics-port</c>).</summary>
public sealed class MetricsOptions : IValidatableObject
{
    /// <summary>daprd's default port.</summary>
    public const int DefaultPort = 9090;

    /// <summary><c>--enable-metrics</c> (default true, as daprd) and <c>spec.metrics.enabled</c> together.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>--metrics-port</c>; null takes 9090, or the next free port when another process has it.</summary>
    [Range(0, 65535)]
    public int? Port { get; set; }

    /// <summary>Where the endpoint listens; loopback unless the API listens elsewhere too.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary><c>spec.metrics.latencyDistributionBuckets</c>; empty keeps Dapr's buckets.</summary>
    public IReadOnlyList<double> LatencyBuckets { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(Address, out _))
            yield return new ValidationResult($"the metrics address must be an IP address, not '{Address}'", [nameof(Address)]);
        for (var i = 1; i < LatencyBuckets.Count; i++)
            if (LatencyBuckets[i] <= LatencyBuckets[i - 1])
                yield return new ValidationResult("latency buckets must increase", [nameof(LatencyBuckets)]);
    }
}
