using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorRuntime.Components.PubSub.Subscriptions;
using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Grains.PubSub;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Hands a batch of a bulk subscription to this gateway's app, as daprd's bulk subscriber does: routing rules are
/// evaluated per entry and the entries grouped by route, one request per route (HTTP <c>POST</c> of
/// <see cref="BulkSubscribeEnvelope"/>, or gRPC <c>OnBulkTopicEventAlpha1</c>); each entry settles by its own status
/// (SUCCESS, DROP, RETRY; no status = RETRY); a non-2xx answer retries every entry, 404 drops every entry. The
/// component's inbound resiliency policy resends the entries still failing.
/// </summary>
public sealed partial class PubSubBulkDelivery(IAppChannel channel, GrpcTopicEvents grpc, AppSubscriptions subscriptions, RuntimeReadiness readiness,
    ResiliencyRegistry resiliency, TimeProvider time, ILogger<PubSubBulkDelivery> logger)
{
    /// <exception cref="HttpRequestException">The app is not serving: the batch should go to another instance.</exception>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(string pubsubName, string topic, IReadOnlyList<BulkEntry> entries, CancellationToken ct)
    {
        if (!readiness.AppServing) throw new HttpRequestException("the app is not ready or not healthy");
        if (!subscriptions.TryGet(pubsubName, topic, out var subscription)) throw new HttpRequestException($"this app instance is not subscribed to {pubsubName}/{topic}");
        var outcomes = new DeliveryOutcome[entries.Count];
        var byRoute = new Dictionary<string, List<(int Index, BulkSubscribeEnvelope.Entry Entry)>>(StringComparer.Ordinal);
        var documents = new List<JsonDocument>();
        try
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var raw = subscription.RawPayload;
                var bytes = raw ? CloudEventEnvelope.WrapRaw(entries[i].Data, topic, pubsubName) : PubSubDelivery.AsCloudEvent(entries[i].Data, pubsubName, topic);
                var doc = JsonDocument.Parse(bytes);
                documents.Add(doc);
                var root = doc.RootElement;
                if (IsExpired(root))
                {
                    LogExpired(topic, entries[i].EntryId);
                    outcomes[i] = DeliveryOutcome.Success;
                    continue;
                }
                var route = subscription.RouteFor(root);
                if (route is null)
                {
                    LogNoRoute(topic, entries[i].EntryId);
                    outcomes[i] = DeliveryOutcome.Drop;
                    continue;
                }
                if (!byRoute.TryGetValue(route, out var list)) byRoute[route] = list = [];
                // A raw subscription gets the broker's bytes (base64) as the entry's event, as daprd sends them.
                list.Add((i, raw ? new BulkSubscribeEnvelope.Entry(entries[i].EntryId, null, entries[i].Data) : new BulkSubscribeEnvelope.Entry(entries[i].EntryId, root, null)));
            }
            var policy = resiliency.ForComponent(pubsubName, "pubsub", ResiliencyDirection.Inbound);
            await Task.WhenAll(byRoute.Select(r => SendRouteAsync(policy, pubsubName, topic, subscription, r.Key, r.Value, outcomes, ct)));
            return outcomes;
        }
        finally
        {
            foreach (var d in documents) d.Dispose();
        }
    }

    private async Task SendRouteAsync(ResiliencyPolicy policy, string pubsubName, string topic, Subscription subscription, string route,
        List<(int Index, BulkSubscribeEnvelope.Entry Entry)> group, DeliveryOutcome[] outcomes, CancellationToken ct)
    {
        foreach (var (index, _) in group) outcomes[index] = DeliveryOutcome.Retry;
        try
        {
            // Each attempt sends only the entries still asking for a retry.
            await policy.ExecuteAsync(async c =>
            {
                var open = group.Where(g => outcomes[g.Index] == DeliveryOutcome.Retry).ToList();
                var answer = await SendAsync(pubsubName, topic, route, [.. open.Select(o => o.Entry)], c);
                for (var i = 0; i < open.Count; i++) outcomes[open[i].Index] = answer[i];
                return answer.Any(o => o == DeliveryOutcome.Retry);
            }, anyRetry => anyRetry, e => e is not OperationCanceledException || !ct.IsCancellationRequested, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogDeliveryFailed(topic, route, group.Count, ex.Message);
        }
    }

    private async Task<DeliveryOutcome[]> SendAsync(string pubsubName, string topic, string route, IReadOnlyList<BulkSubscribeEnvelope.Entry> entries, CancellationToken ct)
    {
        using var slot = await channel.EnterAsync(ct);
        if (grpc.IsGrpcApp) return await grpc.DeliverBulkAsync(pubsubName, topic, route, entries, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(channel.BaseAddress, route))
        {
            Content = new ByteArrayContent(BulkSubscribeEnvelope.Write(topic, pubsubName, entries)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await channel.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            LogRouteNotFound(topic, route, entries.Count);
            return [.. entries.Select(_ => DeliveryOutcome.Drop)];
        }
        if ((int)response.StatusCode is < 200 or > 299)
        {
            LogAppFailed(topic, route, (int)response.StatusCode, entries.Count);
            return [.. entries.Select(_ => DeliveryOutcome.Retry)];
        }
        var statuses = BulkSubscribeEnvelope.ReadStatuses(await response.Content.ReadAsByteArrayAsync(ct));
        if (statuses is null)
        {
            LogUnreadableReply(topic, route);
            return [.. entries.Select(_ => DeliveryOutcome.Retry)];
        }
        return [.. entries.Select(e => ToOutcome(topic, e.EntryId, statuses.GetValueOrDefault(e.EntryId)))];
    }

    private DeliveryOutcome ToOutcome(string topic, string entryId, string? status)
    {
        switch (status)
        {
            case "SUCCESS":
                return DeliveryOutcome.Success;
            case "DROP":
                LogDropped(topic, entryId);
                return DeliveryOutcome.Drop;
            case "RETRY":
                return DeliveryOutcome.Retry;
            default:
                // No status, an empty one, or an unknown one: daprd retries the entry.
                LogNoStatus(topic, entryId, status ?? "");
                return DeliveryOutcome.Retry;
        }
    }

    private bool IsExpired(JsonElement root) => CloudEventEnvelope.IsExpired(root, time.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: bulk entry {Id} of topic {Topic} expired before delivery and is dropped")]
    private partial void LogExpired(string topic, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: bulk entry {Id} of topic {Topic} matches no route and has no default route; dropped")]
    private partial void LogNoRoute(string topic, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pub/sub: the app answered 404 to a bulk delivery of {Count} entries of topic {Topic} on {Route}; dropped")]
    private partial void LogRouteNotFound(string topic, string route, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app answered {Status} to a bulk delivery of {Count} entries of topic {Topic} on {Route}; retrying")]
    private partial void LogAppFailed(string topic, string route, int status, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app's reply to a bulk delivery of topic {Topic} on {Route} has no statuses array; retrying every entry")]
    private partial void LogUnreadableReply(string topic, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app asked to drop bulk entry {Id} of topic {Topic}")]
    private partial void LogDropped(string topic, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app gave bulk entry {Id} of topic {Topic} status '{Status}'; retrying")]
    private partial void LogNoStatus(string topic, string id, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: delivering {Count} bulk entries of topic {Topic} to {Route} failed: {Error}")]
    private partial void LogDeliveryFailed(string topic, string route, int count, string error);
}
