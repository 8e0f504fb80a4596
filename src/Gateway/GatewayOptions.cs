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

    /// <summary>Values shown in the metadata API's <c>extended</c> section (appCommand, cliPID, ...).</summary>
    public Dictionary<string, string> ExtendedMetadata { get; set; } = new(StringComparer.Ordinal);
}
