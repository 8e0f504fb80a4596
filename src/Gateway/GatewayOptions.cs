using System.ComponentModel.DataAnnotations;

namespace ActorRuntime.Gateway;

/// <summary>How this gateway presents itself to its app; names follow daprd's flags.</summary>
public sealed class GatewayOptions
{
    /// <summary><c>--app-id</c>; also the default state key prefix.</summary>
    [Required(AllowEmptyStrings = false)]
    public string AppId { get; set; } = "";

    /// <summary><c>--app-port</c>; null means no app channel.</summary>
    [Range(1, 65535)]
    public int? AppPort { get; set; }

    /// <summary><c>--app-protocol</c>: http, https, grpc, grpcs, h2c.</summary>
    [RegularExpression("^(http|https|grpc|grpcs|h2c)$")]
    public string AppProtocol { get; set; } = "http";

    public string AppChannelAddress { get; set; } = "127.0.0.1";

    [Range(0, 65535)]
    public int HttpPort { get; set; } = 3500;

    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 50001;

    /// <summary><c>NAMESPACE</c> env var in self-hosted mode.</summary>
    public string? Namespace { get; set; }

    /// <summary><c>--dapr-http-max-request-size</c> in MB.</summary>
    [Range(1, 1024)]
    public int MaxRequestBodyMegabytes { get; set; } = 4;

    /// <summary><c>--app-max-concurrency</c>; -1 is unlimited.</summary>
    public int AppMaxConcurrency { get; set; } = -1;

    /// <summary><c>DAPR_API_TOKEN</c>: when set, callers must send it as <c>dapr-api-token</c>.</summary>
    public string? ApiToken { get; set; }

    /// <summary>
    /// <c>--dapr-internal-grpc-port</c>: where other gateways send service invocations and actor calls for this app
    /// (HTTP/2 cleartext). 0 picks a free port.
    /// </summary>
    [Range(0, 65535)]
    public int InternalPort { get; set; }

    /// <summary>The host other gateways use to reach <see cref="InternalPort"/>.</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// The cluster secret behind the credential the internal port requires from other gateways and grains
    /// (<c>Grains.Security.ClusterCredential</c>); null: one random secret for this process.
    /// </summary>
    public byte[]? ClusterSecret { get; set; }

    /// <summary><c>APP_API_TOKEN</c>: sent to the app as <c>dapr-api-token</c> on every call the gateway makes to it.</summary>
    public string? AppApiToken { get; set; }

    /// <summary><c>--enable-app-health-check</c>.</summary>
    public bool AppHealthCheckEnabled { get; set; }

    /// <summary><c>--app-health-check-path</c> (HTTP apps).</summary>
    public string AppHealthCheckPath { get; set; } = "/healthz";

    /// <summary><c>--app-health-probe-interval</c> in seconds.</summary>
    [Range(1, 3600)]
    public int AppHealthProbeIntervalSeconds { get; set; } = 5;

    /// <summary><c>--app-health-probe-timeout</c> in milliseconds.</summary>
    [Range(1, 600000)]
    public int AppHealthProbeTimeoutMilliseconds { get; set; } = 500;

    /// <summary><c>--app-health-threshold</c>: consecutive failed probes before the app counts as unhealthy.</summary>
    [Range(1, 1000)]
    public int AppHealthThreshold { get; set; } = 3;

    /// <summary><c>--config</c>: the Dapr Configuration file (access control, features), or null.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>The resource folders, read again for kinds other than Component (Resiliency, HTTPEndpoint).</summary>
    public IReadOnlyList<string> ResourcesPaths { get; set; } = [];

    /// <summary>Values shown in the metadata API's <c>extended</c> section (appCommand, cliPID, ...).</summary>
    public Dictionary<string, string> ExtendedMetadata { get; set; } = new(StringComparer.Ordinal);
}
