using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// How subscription grains hand an event to an app instance: straight to the gateway when it runs in this process
/// (<see cref="Register"/>), else an HTTP/2 POST to its internal port at <see cref="InternalPrefix"/><c>{pubsub}/{topic}</c>,
/// answered with the outcome's name, carrying the cluster's <see cref="Security.ClusterCredential"/>.
/// </summary>
public sealed class PubSubDeliveryClient(Security.ClusterCredential? credential = null, ActorRuntime.Security.PeerTls? peer = null) : IDisposable
{
    private readonly Security.ClusterCredential _credential = credential ?? Security.ClusterCredential.ProcessDefault;

    public const string InternalPrefix = "/_actorrt/pubsub/";
    /// <summary>Bulk deliveries: a JSON array of <c>{id, data (base64)}</c>, answered with a JSON array of outcome names.</summary>
    public const string InternalBulkPrefix = "/_actorrt/pubsub-bulk/";
    /// <summary>Names the subscriber on the target gateway: its app, or one of its streaming subscriptions.</summary>
    public const string InstanceHeader = "x-actorrt-pubsub-instance";

    private static readonly ConcurrentDictionary<string, IPubSubDeliveryChannel> Local = new(StringComparer.Ordinal);
    private readonly HttpMessageInvoker _http = new(Components.Http.RuntimeHttp.CreatePeerHandler(peer));

    public static void Register(string instanceId, IPubSubDeliveryChannel channel) => Local[instanceId] = channel;

    public static void Unregister(string instanceId) => Local.TryRemove(instanceId, out _);

    public static bool TryGetLocal(string instanceId, out IPubSubDeliveryChannel channel) => Local.TryGetValue(instanceId, out channel!);

    /// <exception cref="HttpRequestException">The instance could not be reached: try another.</exception>
    public async Task<DeliveryOutcome> DeliverAsync(SubscriberLease to, byte[] data, CancellationToken cancellationToken)
    {
        if (Local.TryGetValue(to.InstanceId, out var local))
            return await local.DeliverAsync(to.PubSubName, to.Topic, data, cancellationToken).ConfigureAwait(false);
        var uri = new Uri($"{to.Address}{InternalPrefix}{Uri.EscapeDataString(to.PubSubName)}/{Uri.EscapeDataString(to.Topic)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(data),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.TryAddWithoutValidation(InstanceHeader, to.InstanceId);
        _credential.Stamp(request);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"instance {to.InstanceId} answered {(int)response.StatusCode}");
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Enum.TryParse<DeliveryOutcome>(text.Trim(), out var outcome) ? outcome : DeliveryOutcome.Retry;
    }

    /// <summary>A batch for a bulk subscription; one outcome per entry, in order.</summary>
    /// <exception cref="HttpRequestException">The instance could not be reached: try another.</exception>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverBulkAsync(SubscriberLease to, IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken)
    {
        if (Local.TryGetValue(to.InstanceId, out var local))
            return await local.DeliverBulkAsync(to.PubSubName, to.Topic, entries, cancellationToken).ConfigureAwait(false);
        var uri = new Uri($"{to.Address}{InternalBulkPrefix}{Uri.EscapeDataString(to.PubSubName)}/{Uri.EscapeDataString(to.Topic)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(entries.Select(e => new WireEntry(e.EntryId, e.Data)).ToArray())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(InstanceHeader, to.InstanceId);
        _credential.Stamp(request);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"instance {to.InstanceId} answered {(int)response.StatusCode}");
        var names = await System.Text.Json.JsonSerializer.DeserializeAsync<string[]>(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false) ?? [];
        return [.. entries.Select((_, i) => i < names.Length && Enum.TryParse<DeliveryOutcome>(names[i], out var o) ? o : DeliveryOutcome.Retry)];
    }

    /// <summary>Reads a bulk body sent by <see cref="DeliverBulkAsync"/> (the receiving gateway's side).</summary>
    public static async Task<IReadOnlyList<BulkEntry>> ReadBulkAsync(Stream body, CancellationToken cancellationToken) =>
        [.. (await System.Text.Json.JsonSerializer.DeserializeAsync<WireEntry[]>(body, cancellationToken: cancellationToken).ConfigureAwait(false) ?? [])
            .Select(e => new BulkEntry(e.Id, e.Data))];

    private sealed record WireEntry(
        [property: System.Text.Json.Serialization.JsonPropertyName("id")] string Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] byte[] Data);

    public void Dispose() => _http.Dispose();
}

/// <summary>A gateway's way into its app for pub/sub events; implemented by the gateway.</summary>
public interface IPubSubDeliveryChannel
{
    Task<DeliveryOutcome> DeliverAsync(string pubsubName, string topic, byte[] data, CancellationToken cancellationToken);

    /// <summary>A batch of a bulk subscription; one outcome per entry, in order. By default the entries go one by one.</summary>
    async Task<IReadOnlyList<DeliveryOutcome>> DeliverBulkAsync(string pubsubName, string topic, IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>(entries.Count);
        foreach (var e in entries) outcomes.Add(await DeliverAsync(pubsubName, topic, e.Data, cancellationToken).ConfigureAwait(false));
        return outcomes;
    }
}
