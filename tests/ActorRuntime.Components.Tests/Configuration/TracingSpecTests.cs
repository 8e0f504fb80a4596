using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.Loading;

namespace ActorRuntime.Components.Tests.Configuration;

/// <summary><c>spec.tracing</c> as Dapr's docs write it, and its mistakes named by field.</summary>
public sealed class TracingSpecTests
{
    private const string Header = "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: tracing\nspec:\n  tracing:\n";

    private static RuntimeConfiguration Load(string tracingBody)
    {
        using var dir = new TempDir();
        return RuntimeConfigurationLoader.Load(dir.Write("config.yaml", Header + tracingBody));
    }

    [Fact]
    public void Reads_every_exporter()
    {
        var t = Load("""
                samplingRate: "0.5"
                stdout: true
                zipkin:
                  endpointAddress: "http://localhost:9411/api/v2/spans"
                otel:
                  endpointAddress: "localhost:4318"
                  isSecure: false
                  protocol: http
            """).Tracing!;
        Assert.Equal(0.5, t.Rate);
        Assert.True(t.Stdout);
        Assert.Equal("http://localhost:9411/api/v2/spans", t.ZipkinEndpoint);
        Assert.Equal(new OtelExporterSpec("localhost:4318", false, "http"), t.Otel);
        Assert.True(t.IsEnabled);
    }

    [Fact]
    public void No_sampling_rate_or_zero_or_no_exporter_means_off()
    {
        Assert.False(Load("    zipkin:\n      endpointAddress: \"http://z:9411/api/v2/spans\"\n").Tracing!.IsEnabled);
        Assert.False(Load("    samplingRate: \"0\"\n    stdout: true\n").Tracing!.IsEnabled);
        Assert.False(Load("    samplingRate: \"1\"\n").Tracing!.IsEnabled);
        Assert.Equal("grpc", Load("    samplingRate: \"1\"\n    otel:\n      endpointAddress: \"c:4317\"\n").Tracing!.Otel!.Protocol);
    }

    [Theory]
    [InlineData("    samplingRate: \"1.5\"\n", "spec.tracing.samplingRate")]
    [InlineData("    stdout: often\n", "spec.tracing.stdout")]
    [InlineData("    zipkin:\n      endpointAddress: \"not a url\"\n", "spec.tracing.zipkin.endpointAddress")]
    [InlineData("    zipkin:\n      other: 1\n", "spec.tracing.zipkin.endpointAddress")]
    [InlineData("    otel:\n      endpointAddress: \"c:4317\"\n      protocol: udp\n", "spec.tracing.otel.protocol")]
    [InlineData("    otel:\n      protocol: grpc\n", "spec.tracing.otel.endpointAddress")]
    [InlineData("    otel:\n      endpointAddress: \"c:4317\"\n      isSecure: maybe\n", "spec.tracing.otel.isSecure")]
    public void Mistakes_name_the_field(string body, string field)
    {
        using var dir = new TempDir();
        var file = dir.Write("config.yaml", Header + body);
        var e = Assert.Throws<ComponentConfigurationException>(() => RuntimeConfigurationLoader.Load(file));
        Assert.Equal(field, e.Field);
        Assert.Contains(file, e.Message);
    }
}
