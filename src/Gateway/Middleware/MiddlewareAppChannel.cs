using System.Text;
using ActorRuntime.Components.Middleware;
using ActorRuntime.Gateway.AppChannel;

namespace ActorRuntime.Gateway.Middleware;

/// <summary>
/// An HTTP app channel with <c>spec.appHttpPipeline</c> in front: every call into the app (service invocation,
/// actor calls, pub/sub deliveries, subscription and binding calls) runs the pipeline first, as daprd runs it around
/// its HTTP app channel. The runtime's own probes (health, <c>/dapr/config</c>) mark themselves with
/// <see cref="AppPipeline.Bypass"/> and go straight through, as in daprd. A rejection becomes the app's answer.
/// </summary>
internal sealed class MiddlewareAppChannel(IAppChannel inner, HttpMiddlewarePipeline pipeline) : IAppChannel
{
    public Uri BaseAddress => inner.BaseAddress;

    public Version HttpVersion => inner.HttpVersion;

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => inner.EnterAsync(cancellationToken);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AppPipeline.Bypass, out var bypass) && bypass)
            return await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (await pipeline.RunAsync(new HttpRequestMessageMiddlewareRequest(request), cancellationToken).ConfigureAwait(false) is { } rejection)
            return new HttpResponseMessage((System.Net.HttpStatusCode)rejection.StatusCode)
            {
                RequestMessage = request,
                Content = new StringContent(rejection.Message, Encoding.UTF8, "text/plain"),
            };
        return await inner.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><paramref name="channel"/> itself when the pipeline is empty.</summary>
    public static IAppChannel Wrap(IAppChannel channel, HttpMiddlewarePipeline pipeline) =>
        pipeline.IsEmpty ? channel : new MiddlewareAppChannel(channel, pipeline);
}

/// <summary>Marks runtime-internal calls into the app that <c>spec.appHttpPipeline</c> does not see.</summary>
public static class AppPipeline
{
    public static readonly HttpRequestOptionsKey<bool> Bypass = new("actorrt.appPipeline.bypass");
}
