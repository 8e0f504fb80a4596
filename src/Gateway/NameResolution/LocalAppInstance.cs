using ActorRuntime.Grains.Actors;
using ActorRuntime.Grains.Directory;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.NameResolution;

/// <summary>This gateway's own app instance as the directory shows it; actor types are added once the app has said which it hosts.</summary>
public sealed class LocalAppInstance(IOptions<GatewayOptions> options, Hosting.GatewayEndpoints endpoints, Security.PeerTls? mtls = null)
{
    private readonly GatewayOptions _options = options.Value;
    private volatile AppInstance? _current;
    private IReadOnlyList<string> _actorTypes = [];

    /// <summary>Unique per gateway process and start, so a restarted gateway never inherits a dead one's entry.</summary>
    public string InstanceId { get; } = $"{options.Value.AppId}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^20];

    public string Namespace => _options.Namespace ?? "";

    private IReadOnlyDictionary<string, ActorTypeConfig> _actorConfig = new Dictionary<string, ActorTypeConfig>();

    /// <summary>This instance as the directory shows it. Not kept until the internal port is known (bound as port 0 until
    /// Kestrel has started): an entry read earlier must not advertise port 0 for the life of the gateway.</summary>
    public AppInstance Current => _current ?? Create();

    public string AppId => _options.AppId;

    private AppInstance Create()
    {
        var instance = new AppInstance(InstanceId, _options.AppId, Namespace,
            $"{(mtls is null ? "http" : "https")}://{_options.AdvertisedHost}:{endpoints.InternalPort}", _actorTypes, _actorConfig);
        if (endpoints.InternalPortKnown) _current = instance;
        return instance;
    }

    /// <summary>The actor types the app hosts (from <c>GET /dapr/config</c>).</summary>
    public IReadOnlyList<string> ActorTypes => _actorTypes;

    public bool HostsActorType(string type) => _actorConfig.ContainsKey(type);

    public void SetActorTypes(IReadOnlyDictionary<string, ActorTypeConfig> config)
    {
        _actorConfig = config;
        _actorTypes = [.. config.Keys];
        _current = null;
    }
}
