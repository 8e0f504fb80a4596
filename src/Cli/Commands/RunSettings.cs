namespace ActorRuntime.Cli.Commands;

/// <summary>What kind of value a <see cref="RunSetting"/> holds, for checking it before it is bound.</summary>
internal enum RunSettingKind { Text, Number, Port, Switch, List }

/// <summary>
/// One setting of <see cref="RunOptions"/>: its configuration key (the property name under
/// <see cref="RunOptions.SectionName"/>), the <c>actorrt run</c> flag and the <c>dapr.yaml</c> field that set it.
/// </summary>
internal sealed record RunSetting(string Key, RunSettingKind Kind, string? Flag, string? RunFileField);

/// <summary>
/// Every setting that flags, run-file entries and <c>appsettings.json</c>/environment
/// (<c>ActorRuntime__Run__AppPort</c>) may set. Defaults are not here: they are declared once, on <see cref="RunOptions"/>.
/// </summary>
internal static class RunSettings
{
    public static readonly IReadOnlyList<RunSetting> All =
    [
        new(nameof(RunOptions.AppId), RunSettingKind.Text, "app-id", "appID"),
        new(nameof(RunOptions.AppPort), RunSettingKind.Port, "app-port", "appPort"),
        new(nameof(RunOptions.AppProtocol), RunSettingKind.Text, "app-protocol", "appProtocol"),
        new(nameof(RunOptions.AppChannelAddress), RunSettingKind.Text, "app-channel-address", "appChannelAddress"),
        new(nameof(RunOptions.ListenAddress), RunSettingKind.Text, "dapr-listen-addresses", null),
        new(nameof(RunOptions.HttpPort), RunSettingKind.Port, "dapr-http-port", "daprHTTPPort"),
        new(nameof(RunOptions.GrpcPort), RunSettingKind.Port, "dapr-grpc-port", "daprGRPCPort"),
        new(nameof(RunOptions.ResourcesPaths), RunSettingKind.List, "resources-path", "resourcesPaths"),
        new(nameof(RunOptions.ConfigFile), RunSettingKind.Text, "config", "configFilePath"),
        new(nameof(RunOptions.LogLevel), RunSettingKind.Text, "log-level", "logLevel"),
        new(nameof(RunOptions.LogAsJson), RunSettingKind.Switch, "log-as-json", null),
        new(nameof(RunOptions.EnableMetrics), RunSettingKind.Switch, "enable-metrics", null),
        new(nameof(RunOptions.MetricsPort), RunSettingKind.Port, "metrics-port", "metricsPort"),
        new(nameof(RunOptions.DashboardPort), RunSettingKind.Port, "dashboard-port", null),
        new(nameof(RunOptions.MaxRequestBodyMegabytes), RunSettingKind.Number, "dapr-http-max-request-size", "maxBodySize"),
        new(nameof(RunOptions.AppMaxConcurrency), RunSettingKind.Number, "app-max-concurrency", "appMaxConcurrency"),
        new(nameof(RunOptions.AppHealthCheck), RunSettingKind.Switch, "enable-app-health-check", "enableAppHealthCheck"),
        new(nameof(RunOptions.AppHealthCheckPath), RunSettingKind.Text, "app-health-check-path", "appHealthCheckPath"),
        new(nameof(RunOptions.AppHealthProbeIntervalSeconds), RunSettingKind.Number, "app-health-probe-interval", "appHealthProbeInterval"),
        new(nameof(RunOptions.AppHealthProbeTimeoutMilliseconds), RunSettingKind.Number, "app-health-probe-timeout", "appHealthProbeTimeout"),
        new(nameof(RunOptions.AppHealthThreshold), RunSettingKind.Number, "app-health-threshold", "appHealthThreshold"),
        new(nameof(RunOptions.InternalPort), RunSettingKind.Port, "dapr-internal-grpc-port", "daprInternalGRPCPort"),
        new(nameof(RunOptions.AdvertisedAddress), RunSettingKind.Text, null, null),
        new(nameof(RunOptions.GracefulShutdownSeconds), RunSettingKind.Number, "dapr-graceful-shutdown-seconds", null),
        new(nameof(RunOptions.DaprApiTokenFile), RunSettingKind.Text, "dapr-api-token-file", null),
        new(nameof(RunOptions.AppApiTokenFile), RunSettingKind.Text, "app-api-token-file", null),
        new(nameof(RunOptions.AppLogDestination), RunSettingKind.Text, null, "appLogDestination"),
        new(nameof(RunOptions.DaprdLogDestination), RunSettingKind.Text, null, "daprdLogDestination"),
        new(nameof(RunOptions.Command), RunSettingKind.List, null, "command"),
        new(nameof(RunOptions.WorkingDirectory), RunSettingKind.Text, null, "appDirPath"),
    ];

    public static RunSetting For(string key) => All.First(s => s.Key == key);
}
