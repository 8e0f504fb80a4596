using ActorRuntime.Cli.Commands;
using Microsoft.Extensions.Configuration;

namespace ActorRuntime.Cli.Tests;

/// <summary>Flags, run-file apps and appsettings.json/environment reach <see cref="RunOptions"/> through one binder.</summary>
public sealed class RunOptionsBinderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-bind-").FullName;

    private static IConfiguration Settings(params (string Key, string Value)[] entries) => new ConfigurationBuilder()
        .AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>($"{RunOptions.SectionName}:{e.Key}", e.Value)))
        .Build();

    [Fact]
    public void Configured_settings_apply_and_flags_win()
    {
        var settings = Settings(("AppPort", "7000"), ("LogLevel", "debug"), ("AppHealthThreshold", "9"), ("ResourcesPaths:0", "/conf"), ("ResourcesPaths:1", "/conf2"));
        var o = RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a", "--app-port", "7001", "-d", "/flag"], RunFlags.All), settings);
        Assert.Equal(7001, o.AppPort);
        Assert.Equal("debug", o.LogLevel);
        Assert.Equal(9, o.AppHealthThreshold);
        Assert.Equal(["/flag"], o.ResourcesPaths); // a list from flags replaces the configured one whole
        Assert.Equal(500, o.AppHealthProbeTimeoutMilliseconds); // neither says: the default declared on RunOptions
    }

    [Fact]
    public void A_bad_configured_value_names_the_configuration_key()
    {
        var e = Assert.Throws<UsageException>(() => RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a"], RunFlags.All), Settings(("AppPort", "seven"))));
        Assert.Contains("ActorRuntime:Run:AppPort", e.Message);
        Assert.Contains("must be a number", e.Message);
    }

    [Fact]
    public void A_misspelt_configured_key_is_an_error()
    {
        var e = Assert.Throws<UsageException>(() => RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a"], RunFlags.All), Settings(("AppPrt", "7000"))));
        Assert.Contains("ActorRuntime:Run:AppPrt", e.Message);
        Assert.Contains("is not a run setting", e.Message);
    }

    [Theory]
    [InlineData("--dapr-http-port", "70000", "--dapr-http-port must be a port")]
    [InlineData("--enable-app-health-check=maybe", null, "--enable-app-health-check must be true or false")]
    [InlineData("--app-protocol", "FTP", "--app-protocol must be")]
    public void A_bad_flag_value_names_the_flag(string flag, string? value, string expected)
    {
        string[] args = value is null ? ["--app-id", "a", flag] : ["--app-id", "a", flag, value];
        var e = Assert.Throws<UsageException>(() => RunFlags.ToOptions(CommandLine.Parse(args, RunFlags.All)));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Run_file_apps_bind_over_configured_settings_with_their_own_fields_winning()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "orders"));
        File.WriteAllText(Path.Combine(_dir, "dapr.yaml"), """
            version: 1
            apps:
              - appID: orders
                appDirPath: ./orders
                appPort: 6001
                appProtocol: GRPC
                maxBodySize: 8Mi
                env:
                  Mixed_Case: kept
                command: ["node", "app.js"]
            """);
        var settings = Settings(("AppPort", "7000"), ("GracefulShutdownSeconds", "9"), ("AppHealthCheckPath", "/up"));
        var app = Assert.Single(RunFile.Load(_dir, out _, settings));
        Assert.Equal(6001, app.AppPort);
        Assert.Equal("grpc", app.AppProtocol);
        Assert.Equal(8, app.MaxRequestBodyMegabytes);
        Assert.Equal(9, app.GracefulShutdownSeconds);
        Assert.Equal("/up", app.AppHealthCheckPath);
        Assert.Equal(["node", "app.js"], app.Command);
        Assert.Equal(Path.Combine(_dir, "orders"), app.WorkingDirectory);
        Assert.Equal("kept", app.Environment["Mixed_Case"]);
        Assert.Equal(3, app.AppHealthThreshold);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
