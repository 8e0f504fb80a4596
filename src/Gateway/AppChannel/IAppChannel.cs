namespace ActorRuntime.Gateway.AppChannel;

/// <summary>
/// How the gateway calls its own app. Every call is HTTP-shaped (verb, path, query, headers, body); a gRPC app channel
/// translates to and from <c>AppCallback.OnInvoke</c>. Calls past <c>--app-max-concurrency</c> wait their turn.
/// </summary>
public interface IAppChannel
{
    /// <summary>Sends one call to the app. <paramref name="pathAndQuery"/> starts with '/'. The caller disposes the response.</summary>
    Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>Where app calls go, e.g. <c>http://127.0.0.1:3000</c>.</summary>
    Uri BaseAddress { get; }

    /// <summary>The HTTP version app calls use (HTTP/2 for h2c and gRPC apps).</summary>
    Version HttpVersion { get; }

    /// <summary>Waits for a slot under <c>--app-max-concurrency</c>; dispose the result when the call (body included) is done.</summary>
    ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken);
}
