using ActorRuntime.Gateway.Health;
using ActorRuntime.Grains.Directory;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.NameResolution;

/// <summary>
/// Keeps this app instance in the cluster's directories (its app id, and each actor type it hosts) while the app is
/// up and healthy: a lease renewed every <see cref="RenewEvery"/>, dropped at once when the app turns unhealthy or the
/// gateway stops. A gateway killed outright drops out when its lease runs out.
/// </summary>
internal sealed partial class AppInstanceRegistration(
    IGrainFactory grains, LocalAppInstance local, RuntimeReadiness readiness, IOptions<GatewayOptions> options, Hosting.GatewayEndpoints endpoints,
    IServer server, IHostApplicationLifetime lifetime, ILogger<AppInstanceRegistration> logger) : BackgroundService
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(7);

    private readonly HashSet<string> _registeredKeys = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResolveInternalPortAsync(stoppingToken);
        if (options.Value.AppPort is null) return; // no app, nothing to call
        do
        {
            try
            {
                if (readiness.AppServing && readiness.ClusterReady) await RenewAsync();
                else if (_registeredKeys.Count > 0) await RemoveAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(ex.Message);
            }
        }
        while (await WaitAsync(stoppingToken));
    }

    /// <summary>
    /// The internal port is bound as port 0 unless given, so no other process can take it between picking and binding;
    /// its real number is known once Kestrel has started, and only then can this instance be advertised.
    /// </summary>
    private async Task ResolveInternalPortAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (endpoints.InternalPortKnown) return;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(ct);
        var ports = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => BindingAddress.Parse(a).Port)
            .Where(p => p != o.HttpPort && p != o.GrpcPort)
            .ToList() ?? [];
        if (ports.Count == 0) throw new InvalidOperationException("the gateway's internal port is not among the server's addresses");
        endpoints.SetInternalPort(ports[0]);
    }

    /// <summary>Wakes on the timer, or early when the app's state changes, so registration follows readiness quickly.</summary>
    private async Task<bool> WaitAsync(CancellationToken ct)
    {
        var changed = readiness.WaitForAppStateChangeAsync(ct);
        var tick = Task.Delay(RenewEvery, ct);
        await Task.WhenAny(changed, tick).ConfigureAwait(false);
        return !ct.IsCancellationRequested;
    }

    private async Task RenewAsync()
    {
        var me = local.Current;
        var keys = new List<string> { AppDirectoryKeys.ForApp(me.Namespace, me.AppId) };
        keys.AddRange(me.ActorTypes.Select(AppDirectoryKeys.ForActorType));
        await Task.WhenAll(keys.Select(k => grains.GetGrain<IAppDirectoryGrain>(k).Renew(me, Lease)));
        if (_registeredKeys.Count == 0) LogRegistered(me.AppId, me.Address, string.Join(",", me.ActorTypes));
        foreach (var stale in _registeredKeys.Except(keys).ToList())
        {
            await grains.GetGrain<IAppDirectoryGrain>(stale).Remove(me.InstanceId);
            _registeredKeys.Remove(stale);
        }
        _registeredKeys.UnionWith(keys);
        if (me.ActorTypes.Count > 0) readiness.ActorsReady = true;
    }

    private async Task RemoveAsync()
    {
        var id = local.InstanceId;
        await Task.WhenAll(_registeredKeys.Select(k => grains.GetGrain<IAppDirectoryGrain>(k).Remove(id)));
        _registeredKeys.Clear();
        LogUnregistered(local.Current.AppId);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_registeredKeys.Count == 0) return;
        try { await RemoveAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException) { LogRenewFailed(ex.Message); }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} registered in the cluster at {Address} (actor types: {ActorTypes})")]
    private partial void LogRegistered(string appId, string address, string actorTypes);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} removed from the cluster's directory")]
    private partial void LogUnregistered(string appId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this app's directory entry: {Error}")]
    private partial void LogRenewFailed(string error);
}
