using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Directory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// The caller's side of service invocation: finds a live instance of the target app, sends the call straight to that
/// instance's gateway over HTTP/2 (no grain in the data path), and fails over to another instance when a connection
/// cannot be made. That is always safe: a call that never connected was never delivered. Up to three attempts, as
/// daprd's built-in service retries; resiliency policies wrap the whole thing.
/// </summary>
public sealed partial class ServiceInvoker(
    AppInstanceResolver resolver, LocalAppInstance local, IOptions<GatewayOptions> options, Grains.Security.ClusterCredential credential,
    ILogger<ServiceInvoker> logger, Security.PeerTls? mtls = null) : IDisposable
{
    private const int ConnectAttempts = 3;
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private readonly HttpMessageInvoker _peers = new(Components.Http.RuntimeHttp.CreatePeerHandler(mtls)); // presents our workload certificate with mTLS on
    private readonly GatewayOptions _options = options.Value;

    /// <summary>
    /// Sends one call to <paramref name="targetAppId"/>. <paramref name="createRequest"/> builds the request for a given
    /// URI on every attempt (its body must be replayable if it may be called twice). The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> InvokeAsync(
        InvocationTarget target, string pathAndQuery, Func<Uri, HttpRequestMessage> createRequest, string traceparent, CancellationToken cancellationToken)
    {
        var key = AppDirectoryKeys.ForApp(target.Namespace ?? local.Namespace, target.AppId);
        var tried = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var instances = await resolver.ResolveAsync(key, cancellationToken);
            var instance = resolver.Pick(key, instances, tried) ?? resolver.Pick(key, instances);
            if (instance is null)
            {
                if (attempt < ConnectAttempts)
                {
                    resolver.Invalidate(key);
                    await Task.Delay(RetryPause, cancellationToken);
                    continue;
                }
                throw DaprErrors.DirectInvoke(target.Display, $"couldn't find service: {target.Display}").ToException();
            }
            var request = createRequest(new Uri(instance.Address + InvocationHeaders.InternalInvokePrefix + Uri.EscapeDataString(target.AppId) + pathAndQuery));
            StampCaller(request, target, traceparent);
            credential.Stamp(request); // the callee's internal port refuses calls without it
            try
            {
                return await _peers.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (Components.Http.RuntimeHttp.IsConnectFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(target.Display, instance.Address, e.Message);
                resolver.MarkUnreachable(instance);
                tried.Add(instance.InstanceId);
                if (attempt >= ConnectAttempts) throw DaprErrors.DirectInvoke(target.Display, e.Message).ToException();
                if (instances.All(i => tried.Contains(i.InstanceId)))
                {
                    resolver.Invalidate(key);
                    await Task.Delay(RetryPause, cancellationToken);
                }
            }
        }
    }

    /// <summary>The request line of a call to another gateway is HTTP/2 cleartext: one multiplexed connection per peer.</summary>
    public static Version PeerVersion => System.Net.HttpVersion.Version20;

    private void StampCaller(HttpRequestMessage request, InvocationTarget target, string traceparent)
    {
        var h = request.Headers;
        h.Remove(InvocationHeaders.CallerAppId);
        h.Remove(InvocationHeaders.CalleeAppId);
        h.Remove(InvocationHeaders.CallerNamespace);
        h.Remove(InvocationHeaders.AppId);
        h.Remove(Http.TraceContextMiddleware.TraceParent);
        h.TryAddWithoutValidation(InvocationHeaders.CallerAppId, _options.AppId);
        h.TryAddWithoutValidation(InvocationHeaders.CalleeAppId, target.AppId);
        if (!string.IsNullOrEmpty(_options.Namespace)) h.TryAddWithoutValidation(InvocationHeaders.CallerNamespace, _options.Namespace);
        h.TryAddWithoutValidation(Http.TraceContextMiddleware.TraceParent, traceparent);
        request.Version = PeerVersion;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
    }

    public void Dispose() => _peers.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance of {AppId} at {Address} unreachable, trying another: {Error}")]
    private partial void LogUnreachable(string appId, string address, string error);
}
