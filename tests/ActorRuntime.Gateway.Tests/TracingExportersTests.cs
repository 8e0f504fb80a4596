using ActorRuntime.Components.Configuration;
using ActorRuntime.Gateway.Tracing;

namespace ActorRuntime.Gateway.Tests;

/// <summary>How Dapr's <c>otel.endpointAddress</c> (host:port, <c>isSecure</c>, <c>protocol</c>) becomes the OTLP exporter's URL.</summary>
public sealed class TracingExportersTests
{
    [Theory]
    [InlineData("localhost:4317", false, "grpc", "http://localhost:4317/")]
    [InlineData("collector:4317", true, "grpc", "https://collector:4317/")]
    [InlineData("localhost:4318", false, "http", "http://localhost:4318/v1/traces")]
    [InlineData("https://c.example:443/custom/traces", true, "http", "https://c.example/custom/traces")]
    public void Otlp_endpoint(string address, bool secure, string protocol, string expected) =>
        Assert.Equal(expected, TracingExporters.OtlpEndpoint(new OtelExporterSpec(address, secure, protocol)).ToString());
}
