namespace ActorRuntime.Cli.Commands;

/// <summary>The flags of <c>actorrt run</c>, named and aliased as in the Dapr CLI.</summary>
public static class RunFlags
{
    public static readonly IReadOnlyList<FlagSpec> All =
    [
        new("app-id", "The id of the app (default: a generated one)", false, "a"),
        new("app-port", "The port the app listens on", false, "p"),
        new("app-protocol", "http, https, grpc, grpcs or h2c (default http)", false, "P"),
        new("app-channel-address", "The address the app listens on (default 127.0.0.1)"),
        new("dapr-listen-addresses", "Where the API listens: localhost (default) or an IP such as 0.0.0.0 inside a container"),
        new("dapr-http-port", "The HTTP API port (default 3500, or a free port when 3500 is taken)", false, "H"),
        new("dapr-grpc-port", "The gRPC API port (default 50001, or a free port when taken)", false, "G"),
        new("resources-path", "A folder of component files; repeatable (default ~/.actorrt/components)", false, "d", "components-path"),
        new("config", "A Configuration file", false, "c"),
        new("log-level", "debug, info, warn or error (default info)"),
        new("dapr-http-max-request-size", "Largest request body in MB (default 4)"),
        new("app-max-concurrency", "Most concurrent calls into the app (default unlimited)"),
        new("enable-app-health-check", "Probe the app's health and stop sending it work while unhealthy", true),
        new("app-health-check-path", "Path of the app's health probe (default /healthz)"),
        new("app-health-probe-interval", "Seconds between health probes (default 5)"),
        new("app-health-probe-timeout", "Milliseconds a health probe may take (default 500)"),
        new("app-health-threshold", "Failed probes before the app counts as unhealthy (default 3)"),
        new("dapr-internal-grpc-port", "Port other gateways use to call this one (default: a free port)"),
        new("dapr-graceful-shutdown-seconds", "Seconds a stop may drain requests and the app before cutting them short (default 5)"),
        new("run-file", "A multi-app run file (dapr.yaml) or its folder", false, "f"),
        new("enable-mtls", "Mutual TLS between runtime processes (--enable-mtls=false turns it off; default: on for run, on for gateway when a CA exists)", true),
        new("ca-path", "The certificate authority folder (default ~/.actorrt/ca, see 'actorrt ca init')"),
        new("help", "Show this help", true, "h"),
    ];

    public static RunOptions ToOptions(CommandLine cl) => new()
    {
        AppId = cl.Get("app-id") ?? GenerateAppId(cl.AppCommand),
        AppPort = cl.GetInt("app-port"),
        AppProtocol = (cl.Get("app-protocol") ?? "http").ToLowerInvariant() is var p && p is "http" or "https" or "grpc" or "grpcs" or "h2c"
            ? p : throw new UsageException($"--app-protocol must be http, https, grpc, grpcs or h2c, not '{cl.Get("app-protocol")}'"),
        AppChannelAddress = cl.Get("app-channel-address") ?? "127.0.0.1",
        ListenAddress = cl.Get("dapr-listen-addresses") ?? "localhost",
        HttpPort = cl.GetInt("dapr-http-port"),
        GrpcPort = cl.GetInt("dapr-grpc-port"),
        ResourcesPaths = cl.GetAll("resources-path"),
        ConfigFile = cl.Get("config"),
        LogLevel = cl.Get("log-level") ?? "info",
        MaxRequestBodyMegabytes = cl.GetInt("dapr-http-max-request-size") ?? 4,
        AppMaxConcurrency = cl.GetInt("app-max-concurrency") ?? -1,
        AppHealthCheck = cl.GetBool("enable-app-health-check"),
        AppHealthCheckPath = cl.Get("app-health-check-path") ?? "/healthz",
        AppHealthProbeIntervalSeconds = cl.GetInt("app-health-probe-interval") ?? 5,
        AppHealthProbeTimeoutMilliseconds = cl.GetInt("app-health-probe-timeout") ?? 500,
        AppHealthThreshold = cl.GetInt("app-health-threshold") ?? 3,
        InternalPort = cl.GetInt("dapr-internal-grpc-port"),
        GracefulShutdownSeconds = cl.GetInt("dapr-graceful-shutdown-seconds") is { } g
            ? g >= 0 ? g : throw new UsageException("--dapr-graceful-shutdown-seconds must not be negative")
            : 5,
        Command = cl.AppCommand,
    };

    private static string GenerateAppId(IReadOnlyList<string> command)
    {
        var stem = command.Count > 0 ? Path.GetFileNameWithoutExtension(command[0]) : "app";
        return $"{stem}-{Random.Shared.Next(0x1000, 0xffff):x}";
    }
}
