namespace ActorRuntime.Cli.Commands;

/// <summary>The flags of <c>actorrt run</c>, named and aliased as in the Dapr CLI.</summary>
public static class RunFlags
{
    /// <summary>The defaults the help text shows, read from where they are declared.</summary>
    private static readonly RunOptions Defaults = new() { AppId = "" };

    public static readonly IReadOnlyList<FlagSpec> All =
    [
        new("app-id", "The id of the app (default: a generated one)", false, "a"),
        new("app-port", "The port the app listens on", false, "p"),
        new("app-protocol", $"http, https, grpc, grpcs or h2c (default {Defaults.AppProtocol})", false, "P"),
        new("app-channel-address", $"The address the app listens on (default {Defaults.AppChannelAddress})"),
        new("dapr-listen-addresses", $"Where the API listens: localhost or an IP such as 0.0.0.0 inside a container (default {Defaults.ListenAddress})"),
        new("dapr-http-port", "The HTTP API port (default 3500, or a free port when 3500 is taken)", false, "H"),
        new("dapr-grpc-port", "The gRPC API port (default 50001, or a free port when taken)", false, "G"),
        new("resources-path", "A folder of component files; repeatable (default ~/.actorrt/components)", false, "d", "components-path"),
        new("config", "A Configuration file", false, "c"),
        new("log-level", $"debug, info, warn, error or fatal (default {Defaults.LogLevel})"),
        new("log-as-json", "Write logs as JSON lines with daprd's fields (time, level, msg, scope, type, instance, app_id, ver)", true),
        new("enable-metrics", "Serve Prometheus metrics (default true; --enable-metrics=false turns them off)", true),
        new("metrics-port", "The metrics port (default 9090, or the next free port when taken)"),
        new("dashboard-port", "Serve the Orleans dashboard on this loopback port (default: off)"),
        new("dapr-http-max-request-size", $"Largest request body in MB (default {Defaults.MaxRequestBodyMegabytes})"),
        new("app-max-concurrency", "Most concurrent calls into the app (default unlimited)"),
        new("enable-app-health-check", "Probe the app's health and stop sending it work while unhealthy", true),
        new("app-health-check-path", $"Path of the app's health probe (default {Defaults.AppHealthCheckPath})"),
        new("app-health-probe-interval", $"Seconds between health probes (default {Defaults.AppHealthProbeIntervalSeconds})"),
        new("app-health-probe-timeout", $"Milliseconds a health probe may take (default {Defaults.AppHealthProbeTimeoutMilliseconds})"),
        new("app-health-threshold", $"Failed probes before the app counts as unhealthy (default {Defaults.AppHealthThreshold})"),
        new("dapr-internal-grpc-port", "Port other gateways use to call this one (default: a free port)"),
        new("dapr-graceful-shutdown-seconds", $"Seconds a stop may drain requests and the app before cutting them short (default {Defaults.GracefulShutdownSeconds})"),
        new("dapr-api-token-file", "A file holding the API token callers must send (instead of DAPR_API_TOKEN; also DAPR_API_TOKEN_FILE)"),
        new("app-api-token-file", "A file holding the token sent to the app (instead of APP_API_TOKEN; also APP_API_TOKEN_FILE)"),
        new("run-file", "A multi-app run file (dapr.yaml) or its folder", false, "f"),
        new("enable-mtls", "Mutual TLS between runtime processes (--enable-mtls=false turns it off; default: on for run, on for gateway when a CA exists)", true),
        new("ca-path", "The certificate authority folder (default ~/.actorrt/ca, see 'actorrt ca init')"),
        new("help", "Show this help", true, "h"),
    ];

    /// <summary>
    /// The flags over <paramref name="settings"/> (<c>appsettings.json</c>/environment; none in tests), bound by
    /// <see cref="RunOptionsBinder"/>. Without <c>--app-id</c> or a configured one, an id is made from the command.
    /// </summary>
    public static RunOptions ToOptions(CommandLine cl, IConfiguration? settings = null)
    {
        var options = RunOptionsBinder.Bind(settings, new RunSettingSource(ToConfiguration(cl), (s, problem) => $"--{s.Flag} {problem}"));
        return options.AppId.Length > 0 ? options : options with { AppId = GenerateAppId(options.Command) };
    }

    /// <summary>The flags given, as configuration entries under <see cref="RunOptions.SectionName"/>.</summary>
    public static IReadOnlyDictionary<string, string?> ToConfiguration(CommandLine cl)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in RunSettings.All.Where(s => s.Flag is not null && cl.Has(s.Flag)))
        {
            if (s.Kind == RunSettingKind.List) foreach (var (k, v) in RunSettingSource.List(s.Key, cl.GetAll(s.Flag!))) values[k] = v;
            else values[s.Key] = cl.Get(s.Flag!);
        }
        foreach (var (k, v) in RunSettingSource.List(nameof(RunOptions.Command), cl.AppCommand)) values[k] = v;
        return values;
    }

    internal static int? Port(CommandLine cl, string flag) => cl.GetInt(flag) is { } p
        ? p is >= 0 and <= 65535 ? p : throw new UsageException($"--{flag} must be a port from 0 to 65535, not {p}")
        : null;

    private static string GenerateAppId(IReadOnlyList<string> command)
    {
        var stem = command.Count > 0 ? Path.GetFileNameWithoutExtension(command[0]) : "app";
        return $"{stem}-{Random.Shared.Next(0x1000, 0xffff):x}";
    }
}
