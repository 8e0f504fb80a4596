using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// How subscription grains hand an event to an app instance: straight to the gateway when it runs in this process
/// (<see cref="Register"/>), else an HTTP/2 POST to its internal port at <see cref="InternalPrefix"/><c>{pubsub}/{topic}</c>,
/// answered with the outcome's name.
/// </summary>
public sealed class PubSubDeliveryClient(Security.PeerTls? peer = null) : IDisposable
{
    public const string InternalPrefix = "/_actorrt/pubsub/";
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
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"instance {to.InstanceId} answered {(int)response.StatusCode}");
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Enum.TryParse<DeliveryOutcome>(text.Trim(), out var outcome) ? outcome : DeliveryOutcome.Retry;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A gateway's way into its app for pub/sub events; implemented by the gateway.</summary>
public interface IPubSubDeliveryChannel
{
    Task<DeliveryOutcome> DeliverAsync(string pubsubName, string topic, byte[] data, CancellationToken cancellationToken);
}
