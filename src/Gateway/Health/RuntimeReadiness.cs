namespace ActorRuntime.Gateway.Health;

/// <summary>
/// What <c>/v1.0/healthz</c> reports. Outbound readiness (components + API + cluster) is what SDKs wait for;
/// full readiness also needs the app channel, as in daprd.
/// </summary>
public sealed class RuntimeReadiness
{
    private volatile bool _apiReady;
    private volatile bool _clusterReady;
    private volatile bool _appChannelReady;
    private volatile bool _componentsReady;

    public bool ComponentsReady { get => _componentsReady; set => _componentsReady = value; }
    public bool ApiReady { get => _apiReady; set => _apiReady = value; }
    public bool ClusterReady { get => _clusterReady; set => _clusterReady = value; }
    public bool AppChannelReady { get => _appChannelReady; set => _appChannelReady = value; }

    public bool OutboundReady => _componentsReady && _apiReady && _clusterReady;
    public bool Ready => OutboundReady && _appChannelReady;
}
