using ActorRuntime.Components.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>
/// The exporters <c>spec.tracing</c> names: <c>stdout</c> (console), <c>zipkin.endpointAddress</c> (Zipkin v2 JSON) and
/// <c>otel</c> (OTLP over gRPC or HTTP/protobuf). Batches leave every second, so a trace shows up soon after the request.
/// </summary>
internal static class TracingExporters
{
    private static BatchExportActivityProcessorOptions Batch() => new() { ScheduledDelayMilliseconds = 1000 };

    public static TracerProviderBuilder AddExporters(this TracerProviderBuilder builder, TracingSpec spec)
    {
        if (spec.Stdout) builder.AddConsoleExporter();
        // OpenTelemetry deprecates its Zipkin exporter in favour of OTLP, but Dapr's Configuration still names Zipkin
        // and Zipkin collectors are what its users run; keep it until Dapr drops it.
#pragma warning disable CS0618
        if (spec.ZipkinEndpoint is { } zipkin)
            builder.AddZipkinExporter(o =>
            {
                o.Endpoint = new Uri(zipkin);
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions = Batch();
            });
#pragma warning restore CS0618
        if (spec.Otel is { } otel)
            builder.AddOtlpExporter(o =>
            {
                o.Protocol = otel.Protocol == "http" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                o.Endpoint = OtlpEndpoint(otel);
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions = Batch();
            });
        return builder;
    }

    /// <summary>
    /// Dapr writes the collector as <c>host:port</c> and says with <c>isSecure</c> whether it speaks TLS; a URL is taken
    /// as it is. Over HTTP the traces path is <c>/v1/traces</c>, as Dapr's exporter appends it.
    /// </summary>
    internal static Uri OtlpEndpoint(OtelExporterSpec otel)
    {
        var address = otel.EndpointAddress.Contains("://", StringComparison.Ordinal)
            ? otel.EndpointAddress
            : (otel.IsSecure ? "https://" : "http://") + otel.EndpointAddress;
        var uri = new Uri(address);
        if (otel.Protocol == "http" && (uri.AbsolutePath is "" or "/")) uri = new Uri(uri, "/v1/traces");
        return uri;
    }
}
