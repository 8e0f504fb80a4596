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

    public HttpAppChannel(IOptions<GatewayOptions> options)
    {
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
        return _client.SendAsync(request, cancellationToken);
    }

    internal static SocketsHttpHandler CreateHandler(bool trustAnyCertificate = false) => Components.Http.RuntimeHttp.CreateHandler(trustAnyCertificate);

    public void Dispose() => _client.Dispose();
}
