using ActorRuntime.Cli.Commands;

namespace ActorRuntime.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Dapr_flags_long_short_and_equals_forms_parse()
    {
        var cl = CommandLine.Parse(["-a", "orders", "--app-port=5001", "-H", "3600", "--dapr-grpc-port", "50002", "-P", "grpc"], RunFlags.All);
        var o = RunFlags.ToOptions(cl);
        Assert.Equal("orders", o.AppId);
        Assert.Equal(5001, o.AppPort);
        Assert.Equal(3600, o.HttpPort);
        Assert.Equal(50002, o.GrpcPort);
        Assert.Equal("grpc", o.AppProtocol);
    }

    [Fact]
    public void App_health_and_internal_port_flags_parse_with_daprs_defaults()
    {
        var defaults = RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a"], RunFlags.All));
        Assert.False(defaults.AppHealthCheck);
        Assert.Equal("/healthz", defaults.AppHealthCheckPath);
        Assert.Equal((5, 500, 3), (defaults.AppHealthProbeIntervalSeconds, defaults.AppHealthProbeTimeoutMilliseconds, defaults.AppHealthThreshold));
        Assert.Null(defaults.InternalPort);

        var o = RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a", "--enable-app-health-check", "--app-health-check-path", "/up",
            "--app-health-probe-interval", "2", "--app-health-probe-timeout", "300", "--app-health-threshold", "4", "--dapr-internal-grpc-port", "50009"], RunFlags.All));
        Assert.True(o.AppHealthCheck);
        Assert.Equal("/up", o.AppHealthCheckPath);
        Assert.Equal((2, 300, 4), (o.AppHealthProbeIntervalSeconds, o.AppHealthProbeTimeoutMilliseconds, o.AppHealthThreshold));
        Assert.Equal(50009, o.InternalPort);
    }

    [Fact]
    public void Resources_path_repeats_and_components_path_is_an_alias()
    {
        var cl = CommandLine.Parse(["--resources-path", "a", "--components-path", "b", "-d", "c"], RunFlags.All);
        Assert.Equal(["a", "b", "c"], RunFlags.ToOptions(cl).ResourcesPaths);
    }

    [Fact]
    public void Everything_after_double_dash_is_the_app_command()
    {
        var cl = CommandLine.Parse(["--app-id", "x", "--", "node", "app.js", "--app-id", "not-ours"], RunFlags.All);
        Assert.Equal(["node", "app.js", "--app-id", "not-ours"], cl.AppCommand);
        Assert.Equal("x", cl.Get("app-id"));
    }

    [Fact]
    public void Defaults_leave_ports_to_the_runtime_and_generate_an_app_id()
    {
        var o = RunFlags.ToOptions(CommandLine.Parse(["--", "node", "server.js"], RunFlags.All));
        Assert.Null(o.HttpPort);
        Assert.Null(o.GrpcPort);
        Assert.Matches("^node-[0-9a-f]{4}$", o.AppId);
        Assert.Equal("http", o.AppProtocol);
        Assert.Equal(4, o.MaxRequestBodyMegabytes);
    }

    [Theory]
    [InlineData(new[] { "--no-such-flag" }, "unknown flag")]
    [InlineData(new[] { "--app-port" }, "needs a value")]
    [InlineData(new[] { "--app-port", "abc" }, "must be a number")]
    [InlineData(new[] { "--app-protocol", "ftp" }, "app-protocol")]
    [InlineData(new[] { "stray" }, "unexpected argument")]
    public void Bad_flags_are_usage_errors(string[] args, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => RunFlags.ToOptions(CommandLine.Parse(args, RunFlags.All)));
        Assert.Contains(expected, ex.Message);
    }
}
