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
    public bool AppChannelReady { get => _appChannelReady; set { _appChannelReady = value; SignalAppStateChange(); } }

    private volatile bool _appHealthy = true;

    /// <summary>False while app health checks fail: the app then gets no invocations, actor calls or deliveries.</summary>
    public bool AppHealthy
    {
        get => _appHealthy;
        set
        {
            if (_appHealthy == value) return;
            _appHealthy = value;
            SignalAppStateChange();
        }
    }

    private TaskCompletionSource _appStateChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the next time the app's channel or health changes (or something else calls <see cref="SignalAppStateChange"/>).</summary>
    public Task WaitForAppStateChangeAsync(CancellationToken cancellationToken) => Volatile.Read(ref _appStateChanged).Task.WaitAsync(cancellationToken);

    /// <summary>Completes once the app's port accepts connections.</summary>
    public async Task WaitForAppChannelAsync(CancellationToken cancellationToken)
    {
        while (!AppChannelReady)
        {
            var changed = WaitForAppStateChangeAsync(cancellationToken);
            if (AppChannelReady) return; // set between the check and the subscription
            await changed;
        }
    }

    public void SignalAppStateChange() =>
        Interlocked.Exchange(ref _appStateChanged, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The app is up, healthy, and may receive calls from the cluster.</summary>
    public bool AppServing => _appChannelReady && _appHealthy;

    private volatile bool _actorsReady;

    /// <summary>The app's actor types (if any) are known and registered in the cluster, so actor calls can be routed.</summary>
    public bool ActorsReady { get => _actorsReady; set => _actorsReady = value; }

    public bool OutboundReady => _componentsReady && _apiReady && _clusterReady;
    public bool Ready => OutboundReady && _appChannelReady && _actorsReady;
}
