using ActorRuntime.Components;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Cron;
using ActorRuntime.Components.Model;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Bindings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// Starts this app instance's input bindings once its port is open, as daprd does: of the app's <c>bindings.*</c>
/// components usable as input (<c>direction</c> allowing it), only those the app takes get events — an HTTP app must
/// answer <c>OPTIONS {route}</c> with 2xx or 405 (Dapr's rule), a gRPC app must list them in <c>ListInputBindings</c>.
/// Cron bindings tick in a cluster-wide grain per app id, which this gateway renews a lease with every
/// <see cref="RenewEvery"/> while the app serves; other input bindings are read here, while the app serves.
/// </summary>
internal sealed partial class InputBindingManager(
    IGrainFactory grains, ComponentRegistry components, AppInputBindings appBindings, IAppChannel channel, GrpcBindingEvents grpc,
    RuntimeReadiness readiness, LocalAppInstance local, InputBindingDelivery delivery, IOptions<GatewayOptions> options,
    Hosting.GatewayEndpoints endpoints, ILogger<InputBindingManager> logger) : BackgroundService
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan ReadRetry = TimeSpan.FromSeconds(5);

    private readonly GatewayOptions _options = options.Value;
    private readonly List<(string Key, CronLease Lease)> _cron = [];
    private bool _leased;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.AppPort is null) return; // no app, nothing to deliver to
        BindingDeliveryClient.Register(local.InstanceId, delivery);
        await readiness.WaitForAppChannelAsync(stoppingToken);
        var candidates = components.Definitions.Where(IsInputBinding).ToList();
        if (candidates.Count == 0) return;
        var taken = await DetectAsync(candidates, stoppingToken);
        appBindings.Set(taken.ToDictionary(d => d.Name, BindingDirection.Route, StringComparer.Ordinal));
        var readers = new List<Task>();
        foreach (var d in taken)
        {
            LogTaken(d.Name, d.Type, BindingDirection.Route(d));
            if (d.Type == CronBinding.TypeName)
                _cron.Add((BindingGrainKeys.Cron(local.Namespace, _options.AppId, d.Name), new CronLease(local.InstanceId, "", d.Name, d.GetMetadata().GetRequiredString("schedule"), Lease)));
            else if (components.TryGet<IInputBinding>(BindingsCatalogExtensions.Category, d.Name, out var input))
                readers.Add(ReadAsync(input, stoppingToken));
        }
        if (_cron.Count > 0) readers.Add(RenewLoopAsync(stoppingToken));
        await Task.WhenAll(readers);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        BindingDeliveryClient.Unregister(local.InstanceId);
        await base.StopAsync(cancellationToken);
        if (!_leased) return;
        try { await RemoveAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException) { LogRenewFailed(ex.Message); }
    }

    private bool IsInputBinding(ComponentDefinition d) =>
        d.Category == BindingsCatalogExtensions.Category && BindingDirection.IsInput(d)
        && (d.Type == CronBinding.TypeName || components.TryGet<IInputBinding>(BindingsCatalogExtensions.Category, d.Name, out _));

    private async Task<List<ComponentDefinition>> DetectAsync(List<ComponentDefinition> candidates, CancellationToken ct)
    {
        if (grpc.IsGrpcApp)
        {
            IReadOnlySet<string> listed;
            try { listed = await grpc.ListAsync(ct); }
            catch (global::Grpc.Core.RpcException e)
            {
                LogProbeFailed("ListInputBindings", e.Status.Detail);
                return [];
            }
            return [.. candidates.Where(d => listed.Contains(d.Name))];
        }
        var taken = new List<ComponentDefinition>();
        foreach (var d in candidates)
        {
            var route = BindingDirection.Route(d);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(channel.BaseAddress, route));
                using var response = await channel.SendAsync(request, ct);
                var code = (int)response.StatusCode;
                // daprd: an endpoint that answers OPTIONS, or says OPTIONS is not allowed (405), takes the binding.
                if (code / 100 == 2 || code == 405) taken.Add(d);
                else LogNotTaken(d.Name, route, code);
            }
            catch (HttpRequestException e)
            {
                LogProbeFailed("OPTIONS " + route, e.Message);
            }
        }
        return taken;
    }

    private async Task ReadAsync(IInputBinding binding, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (!readiness.AppServing) await readiness.WaitForAppStateChangeAsync(ct);
                using var serving = CancellationTokenSource.CreateLinkedTokenSource(ct);
                _ = StopWhenNotServingAsync(serving);
                await binding.ReadAsync(async (ev, c) =>
                {
                    if (!await delivery.DeliverAsync(binding.Name, ev, c))
                        throw new InvalidOperationException($"the app did not take the event of input binding {binding.Name}");
                    return null;
                }, serving.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (e is not OperationCanceledException) LogReadFailed(binding.Name, e.Message);
                try { await Task.Delay(ReadRetry, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    // An input binding is read only while the app serves, so events wait in the source meanwhile.
    private async Task StopWhenNotServingAsync(CancellationTokenSource serving)
    {
        try
        {
            while (readiness.AppServing) await readiness.WaitForAppStateChangeAsync(serving.Token);
            await serving.CancelAsync();
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task RenewLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (readiness.AppServing && readiness.ClusterReady && endpoints.InternalPortKnown) await RenewAsync();
                else if (_leased) await RemoveAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(ex.Message);
            }
            try { await Task.WhenAny(readiness.WaitForAppStateChangeAsync(ct), Task.Delay(RenewEvery, ct)); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task RenewAsync()
    {
        var address = local.Current.Address;
        await Task.WhenAll(_cron.Select(c => grains.GetGrain<ICronBindingGrain>(c.Key).Renew(c.Lease with { Address = address })));
        _leased = true;
    }

    private async Task RemoveAsync()
    {
        await Task.WhenAll(_cron.Select(c => grains.GetGrain<ICronBindingGrain>(c.Key).Remove(local.InstanceId)));
        _leased = false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Input binding {Name} ({Type}) delivers to the app at {Route}")]
    private partial void LogTaken(string name, string type, string route);

    [LoggerMessage(Level = LogLevel.Information, Message = "Input binding {Name}: the app answered {Status} to OPTIONS {Route}; it gets no events")]
    private partial void LogNotTaken(string name, string route, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Input bindings: {Probe} failed: {Error}")]
    private partial void LogProbeFailed(string probe, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Input binding {Name}: reading failed ({Error}); reading again shortly")]
    private partial void LogReadFailed(string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this app's cron bindings: {Error}")]
    private partial void LogRenewFailed(string error);
}
