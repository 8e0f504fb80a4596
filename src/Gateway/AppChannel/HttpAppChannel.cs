using System.Net;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.AppChannel;

/// <summary>
/// <c>--app-protocol http|https|h2c</c>. HTTPS does not validate the app's certificate (daprd does not either: the
/// app is local). The app's <c>APP_API_TOKEN</c> goes on every call.
/// </summary>
public sealed class HttpAppChannel : IAppChannel, IDisposable
{
    private readonly HttpMessageInvoker _client;
    private readonly AppConcurrencyLimiter _limiter;
    private readonly string? _appToken;
    private readonly Observability.GatewayMetrics? _metrics;

    public HttpAppChannel(IOptions<GatewayOptions> options, Observability.GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        var o = options.Value;
        var scheme = o.AppProtocol == "https" ? "https" : "http";
        BaseAddress = new Uri($"{scheme}://{o.AppChannelAddress}:{o.AppPort}");
        HttpVersion = o.AppProtocol == "h2c" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;
        _client = new HttpMessageInvoker(CreateHandler(o.AppProtocol == "https"));
        _limiter = new AppConcurrencyLimiter(o.AppMaxConcurrency);
        _appToken = o.AppApiToken;
    }

    public Uri BaseAddress { get; }
    public Version HttpVersion { get; }

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => _limiter.EnterAsync(cancellationToken);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = HttpVersion;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        if (_appToken is not null)
        {
            request.Headers.Remove(Invocation.InvocationHeaders.ApiToken);
            request.Headers.TryAddWithoutValidation(Invocation.InvocationHeaders.ApiToken, _appToken);
        }
        return _metrics is not null && Components.Observability.HttpMetrics.ClientEnabled
            ? SendMeasuredAsync(request, _metrics, cancellationToken)
            : _client.SendAsync(request, cancellationToken);
    }

    /// <summary>Dapr's <c>dapr_http_client_*</c>: each call into the app, by method, path label and status.</summary>
    private async Task<HttpResponseMessage> SendMeasuredAsync(HttpRequestMessage request, Observability.GatewayMetrics metrics, CancellationToken ct)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var status = 0;
        long received = 0;
        try
        {
            var response = await _client.SendAsync(request, ct);
            status = (int)response.StatusCode;
            received = response.Content.Headers.ContentLength ?? 0;
            return response;
        }
        finally
        {
            Components.Observability.HttpMetrics.ClientCompletedCall(metrics.AppId, metrics.Labels.Method(request.Method.Method),
                metrics.Labels.Path(request.RequestUri?.AbsolutePath ?? ""), status, request.Content?.Headers.ContentLength ?? 0, received,
                Components.Observability.DaprMeter.ElapsedMilliseconds(start));
        }
    }

    internal static SocketsHttpHandler CreateHandler(bool trustAnyCertificate = false) => Components.Http.RuntimeHttp.CreateHandler(trustAnyCertificate);

    public void Dispose() => _client.Dispose();
}
