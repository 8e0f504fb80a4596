namespace ActorRuntime.Cli.Commands;

/// <summary>
/// One app's runtime settings, from <c>actorrt run</c> flags or one entry of a <c>dapr.yaml</c> run file over
/// <c>appsettings.json</c>/environment (section <see cref="SectionName"/>), all bound by <see cref="RunOptionsBinder"/>.
/// Each default is declared here and nowhere else. Values found at run time (the ports picked) are not written back:
/// they live in the gateway's <c>GatewayEndpoints</c> and the runtime's list of started gateways.
/// </summary>
public sealed record RunOptions
{
    public const string SectionName = "ActorRuntime:Run";

    public required string AppId { get; init; }
    public int? AppPort { get; init; }
    public string AppProtocol { get; init; } = "http";
    public string AppChannelAddress { get; init; } = "127.0.0.1";
    /// <summary><c>--dapr-listen-addresses</c>: <c>localhost</c>, or an IP address to bind the API ports to.</summary>
    public string ListenAddress { get; init; } = "localhost";
    /// <summary>Null picks 3500 when free, else any free port (as <c>dapr run</c> picks one when a port is taken).</summary>
    public int? HttpPort { get; init; }
    public int? GrpcPort { get; init; }
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public string? ConfigFile { get; init; }
    public string LogLevel { get; init; } = "info";
    /// <summary><c>--log-as-json</c>: daprd's JSON log lines.</summary>
    public bool LogAsJson { get; init; }
    /// <summary><c>--enable-metrics</c> (default true, as daprd).</summary>
    public bool EnableMetrics { get; init; } = true;
    /// <summary><c>--metrics-port</c>; null is 9090, or the next free port.</summary>
    public int? MetricsPort { get; init; }
    /// <summary><c>--dashboard-port</c>: serve the Orleans dashboard on this loopback port; null is off.</summary>
    public int? DashboardPort { get; init; }
    public int MaxRequestBodyMegabytes { get; init; } = 4;
    public int AppMaxConcurrency { get; init; } = -1;
    public bool AppHealthCheck { get; init; }
    public string AppHealthCheckPath { get; init; } = "/healthz";
    public int AppHealthProbeIntervalSeconds { get; init; } = 5;
    public int AppHealthProbeTimeoutMilliseconds { get; init; } = 500;
    public int AppHealthThreshold { get; init; } = 3;
    /// <summary><c>--dapr-internal-grpc-port</c>: where other gateways call this one; null picks a free port.</summary>
    public int? InternalPort { get; init; }
    /// <summary>The host name other gateways and silos use to reach this gateway's internal port (default: the listen address, or 127.0.0.1).</summary>
    public string? AdvertisedAddress { get; init; }
    /// <summary><c>--dapr-graceful-shutdown-seconds</c>: how long a stop may drain requests and the app before it is cut short (daprd's default 5).</summary>
    public int GracefulShutdownSeconds { get; init; } = 5;
    /// <summary>Run file only: <c>appLogDestination</c> and <c>daprdLogDestination</c> (console, file, fileAndConsole).</summary>
    public string? AppLogDestination { get; init; }
    public string? DaprdLogDestination { get; init; }
    /// <summary>The absolute path of the run file this app came from (what <c>actorrt stop -f</c> matches), else null.</summary>
    public string? RunFilePath { get; init; }
    /// <summary>Where this app's runtime logs go; null is the console.</summary>
    public Apps.LineWriter? RuntimeLog { get; init; }
    /// <summary><c>--dapr-api-token-file</c> / <c>--app-api-token-file</c>: tokens read from files (see <c>SecretFiles</c>).</summary>
    public string? DaprApiTokenFile { get; init; }
    public string? AppApiTokenFile { get; init; }
    /// <summary>The cluster secret behind the internal-port credential (see <c>ClusterSecrets</c>); null: a random one.</summary>
    public byte[]? ClusterSecret { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>This process's mTLS state (CA, trust bundle, certificates); null runs the internal links in plaintext.</summary>
    public Security.MtlsRuntime? Mtls { get; init; }
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
