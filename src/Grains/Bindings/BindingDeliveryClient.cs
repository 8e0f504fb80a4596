using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorRuntime.Components.Bindings;

namespace ActorRuntime.Grains.Bindings;

/// <summary>
/// How binding grains hand an input event to an app instance: straight to the gateway when it runs in this process
/// (<see cref="Register"/>), else an HTTP/2 POST to its internal port at <see cref="InternalPrefix"/><c>{binding}</c>
/// with the event as JSON (<see cref="Wire"/>), answered 200 once the app acknowledged it, carrying the cluster's
/// <see cref="Security.ClusterCredential"/> (the internal port refuses a call without it).
/// </summary>
public sealed class BindingDeliveryClient(Security.ClusterCredential? credential = null, ActorRuntime.Security.PeerTls? peer = null) : IDisposable
{
    private readonly Security.ClusterCredential _credential = credential ?? Security.ClusterCredential.ProcessDefault;
    public const string InternalPrefix = "/_actorrt/bindings/";

    private static readonly ConcurrentDictionary<string, IBindingDeliveryChannel> Local = new(StringComparer.Ordinal);
    private readonly HttpMessageInvoker _http = new(Components.Http.RuntimeHttp.CreatePeerHandler(peer)); // presents the workload certificate with mTLS on

    public static void Register(string instanceId, IBindingDeliveryChannel channel) => Local[instanceId] = channel;

    public static void Unregister(string instanceId) => Local.TryRemove(instanceId, out _);

    /// <summary>True when the app took the event; false when it failed it (after the component's inbound policy).</summary>
    /// <exception cref="HttpRequestException">The instance could not be reached or is not serving: try another.</exception>
    public async Task<bool> DeliverAsync(string instanceId, string address, string bindingName, BindingEvent ev, CancellationToken cancellationToken)
    {
        if (Local.TryGetValue(instanceId, out var local))
            return await local.DeliverAsync(bindingName, ev, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{address}{InternalPrefix}{Uri.EscapeDataString(bindingName)}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new Wire(ev.Data.ToArray(), new Dictionary<string, string>(ev.Metadata)))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        _credential.Stamp(request);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.UnprocessableEntity => false,
            var s => throw new HttpRequestException($"instance {instanceId} answered {(int)s}"),
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>An event on the internal port.</summary>
    public sealed record Wire(byte[] Data, Dictionary<string, string> Metadata);
}

/// <summary>A gateway's way into its app for input binding events; implemented by the gateway.</summary>
public interface IBindingDeliveryChannel
{
    /// <summary>True when the app acknowledged the event (after the component's inbound policy); false when it failed it.</summary>
    /// <exception cref="HttpRequestException">The app is not serving or does not take this binding: try another instance.</exception>
    Task<bool> DeliverAsync(string bindingName, BindingEvent ev, CancellationToken cancellationToken);
}
