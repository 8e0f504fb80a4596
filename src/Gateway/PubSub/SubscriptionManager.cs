using System.Text.Json;
using ActorRuntime.Components;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Components.PubSub.Subscriptions;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.PubSub;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Subscribes this app instance: reads the app's subscriptions once its port is open (declarative ones from the
/// resources, then <c>GET /dapr/subscribe</c>, as daprd does at start-up), and while the app is serving renews a lease
/// with each subscription's grain every <see cref="RenewEvery"/>, so events flow to it; when the app turns unhealthy or
/// the gateway stops, the leases are dropped and the app's events wait in the broker.
/// </summary>
internal sealed partial class SubscriptionManager(
    IGrainFactory grains, ComponentRegistry components, AppSubscriptions subscriptions, IAppChannel channel, RuntimeReadiness readiness,
    LocalAppInstance local, PubSubDelivery delivery, GrpcTopicEvents grpc, IOptions<GatewayOptions> options, Hosting.GatewayEndpoints endpoints,
    ILogger<SubscriptionManager> logger) : BackgroundService
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(7);

    private readonly GatewayOptions _options = options.Value;
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.AppPort is null) return; // no app, nothing to deliver to
        PubSubDeliveryClient.Register(local.InstanceId, delivery);
        await readiness.WaitForAppChannelAsync(stoppingToken);
        await LoadAsync(stoppingToken);
        if (subscriptions.All.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (readiness.AppServing && readiness.ClusterReady && endpoints.InternalPortKnown) await RenewAsync();
                else if (_subscribed.Count > 0) await RemoveAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(ex.Message);
            }
            await Task.WhenAny(readiness.WaitForAppStateChangeAsync(stoppingToken), Task.Delay(RenewEvery, stoppingToken));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        PubSubDeliveryClient.Unregister(local.InstanceId);
        await base.StopAsync(cancellationToken);
        if (_subscribed.Count == 0) return;
        try { await RemoveAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException) { LogRenewFailed(ex.Message); }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = new List<Subscription>();
        var documents = _options.ResourcesPaths.Count > 0 ? ResourceLoader.LoadDocuments(_options.ResourcesPaths) : [];
        all.AddRange(SubscriptionParser.ParseDeclarative(documents, _options.AppId));
        all.AddRange(grpc.IsGrpcApp ? await ReadGrpcAsync(ct) : await ReadProgrammaticAsync(ct));
        var usable = new List<Subscription>();
        foreach (var s in all)
        {
            if (!components.TryGetDefinition(s.PubSubName, out var definition) || definition.Category != PubSubCatalogExtensions.Category)
                LogUnknownPubSub(s.PubSubName, s.Topic);
            else if (!TopicScopes.For(definition).MaySubscribe(_options.AppId, s.Topic))
                LogForbidden(s.PubSubName, s.Topic);
            else usable.Add(s);
        }
        foreach (var d in subscriptions.Set(usable)) LogDuplicate(d.PubSubName, d.Topic);
        foreach (var s in subscriptions.All) LogSubscribed(s.PubSubName, s.Topic, s.Kind.ToString(), s.DeadLetterTopic ?? "");
    }

    private async Task<IReadOnlyList<Subscription>> ReadProgrammaticAsync(CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(channel.BaseAddress, "/dapr/subscribe"));
            using var response = await channel.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return []; // 404 and friends: no programmatic subscriptions
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (body.Length == 0) return [];
            using var json = JsonDocument.Parse(body);
            return SubscriptionParser.ParseProgrammatic(json.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or HttpRequestException)
        {
            LogProgrammaticFailed(ex.Message);
            return [];
        }
    }

    private async Task<IReadOnlyList<Subscription>> ReadGrpcAsync(CancellationToken ct)
    {
        try
        {
            return await grpc.ListAsync(ct);
        }
        catch (Exception ex) when (ex is global::Grpc.Core.RpcException or FormatException)
        {
            LogProgrammaticFailed(ex.Message);
            return [];
        }
    }

    private async Task RenewAsync()
    {
        var address = local.Current.Address;
        var renewals = new List<Task>();
        foreach (var s in subscriptions.All)
        {
            if (!components.TryGetPubSub(s.PubSubName, out var pubsub) || !components.TryGetDefinition(s.PubSubName, out var definition)) continue;
            var key = PubSubGrainKeys.Subscription(definition.InstanceId, pubsub.Settings.GroupFor(_options.AppId, local.Namespace), s.Topic);
            var lease = new SubscriberLease(local.InstanceId, address, s.PubSubName, s.Topic, s.DeadLetterTopic, Lease,
                s.Bulk?.MaxMessagesCount ?? 0, TimeSpan.FromMilliseconds(s.Bulk?.MaxAwaitDurationMs ?? 0));
            renewals.Add(grains.GetGrain<IPubSubSubscriptionGrain>(key).Renew(lease));
            _subscribed.Add(key);
        }
        await Task.WhenAll(renewals);
    }

    private async Task RemoveAsync()
    {
        await Task.WhenAll(_subscribed.Select(k => grains.GetGrain<IPubSubSubscriptionGrain>(k).Remove(local.InstanceId)));
        _subscribed.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to topic {Topic} on pubsub {PubSub} ({Kind}; dead-letter topic '{DeadLetter}')")]
    private partial void LogSubscribed(string pubsub, string topic, string kind, string deadLetter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription to topic {Topic} ignored: pubsub {PubSub} is not loaded for this app")]
    private partial void LogUnknownPubSub(string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription to topic {Topic} on pubsub {PubSub} ignored: subscriptionScopes/allowedTopics do not allow it for this app")]
    private partial void LogForbidden(string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription to topic {Topic} on pubsub {PubSub} ignored: the app already has one for this topic")]
    private partial void LogDuplicate(string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The app's subscriptions (GET /dapr/subscribe or ListTopicSubscriptions) gave no usable answer: {Error}")]
    private partial void LogProgrammaticFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this app's subscriptions: {Error}")]
    private partial void LogRenewFailed(string error);
}
