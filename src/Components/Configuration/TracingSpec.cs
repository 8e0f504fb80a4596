using System.Globalization;

namespace ActorRuntime.Components.Configuration;

/// <summary>
/// <c>spec.tracing</c> of the Configuration file, as Dapr writes it: <c>samplingRate</c> ("0" to "1"; none or "0" turns
/// tracing off), <c>stdout</c>, <c>zipkin.endpointAddress</c> and <c>otel</c> (<c>endpointAddress</c>, <c>isSecure</c>,
/// <c>protocol</c> grpc or http).
/// </summary>
public sealed record TracingSpec(string? SamplingRate, bool Stdout, string? ZipkinEndpoint, OtelExporterSpec? Otel)
{
    /// <summary>The sampling rate as a number (0 when not given, as daprd).</summary>
    public double Rate => SamplingRate is null ? 0 : double.Parse(SamplingRate, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>True when spans are sampled at all and go somewhere.</summary>
    public bool IsEnabled => Rate > 0 && (Stdout || ZipkinEndpoint is not null || Otel is not null);
}

/// <summary><c>spec.tracing.otel</c>: where an OpenTelemetry collector listens.</summary>
public sealed record OtelExporterSpec(string EndpointAddress, bool IsSecure, string Protocol);
