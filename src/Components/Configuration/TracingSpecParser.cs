using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Configuration;

/// <summary>Reads and checks <c>spec.tracing</c>; every mistake names the field.</summary>
internal static class TracingSpecParser
{
    public static TracingSpec? Parse(ConfigurationYaml y, YamlMappingNode spec)
    {
        const string p = "spec.tracing";
        var tracing = y.Mapping(spec, "tracing", p);
        if (tracing is null) return null;
        var rate = y.String(tracing, "samplingRate", p + ".samplingRate");
        if (rate is not null &&
            (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r < 0 || r > 1))
            throw y.Error(p + ".samplingRate", $"must be a number from 0 to 1 such as \"1\" or \"0.1\", not '{rate}'");

        string? zipkin = null;
        if (y.Mapping(tracing, "zipkin", p + ".zipkin") is { } z)
        {
            zipkin = y.RequiredString(z, "endpointAddress", p + ".zipkin.endpointAddress");
            if (!Uri.TryCreate(zipkin, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                throw y.Error(p + ".zipkin.endpointAddress", $"must be an http(s) URL such as 'http://localhost:9411/api/v2/spans', not '{zipkin}'");
        }

        OtelExporterSpec? otel = null;
        if (y.Mapping(tracing, "otel", p + ".otel") is { } o)
        {
            var protocol = (y.String(o, "protocol", p + ".otel.protocol") ?? "grpc").ToLowerInvariant();
            if (protocol is not ("grpc" or "http"))
                throw y.Error(p + ".otel.protocol", $"must be 'grpc' or 'http', not '{protocol}'");
            otel = new OtelExporterSpec(
                y.RequiredString(o, "endpointAddress", p + ".otel.endpointAddress"),
                y.Bool(o, "isSecure", p + ".otel.isSecure") ?? false,
                protocol);
        }
        return new TracingSpec(rate, y.Bool(tracing, "stdout", p + ".stdout") ?? false, zipkin, otel);
    }
}
