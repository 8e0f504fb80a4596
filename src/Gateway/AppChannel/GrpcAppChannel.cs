using System.Net;
using System.Net.Http.Headers;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using global::Grpc.Core;
using global::Grpc.Core.Interceptors;
using global::Grpc.Net.Client;
using Microsoft.Extensions.Options;
using ActorRuntime.Gateway.Invocation;

namespace ActorRuntime.Gateway.AppChannel;

/// <summary>
/// <c>--app-protocol grpc|grpcs</c>. Native gRPC calls (proxied with <c>dapr-app-id</c>) pass through as they are;
/// every other call becomes <c>AppCallback.OnInvoke</c>, with the verb and query in <c>http_extension</c> and the
/// headers as gRPC metadata, and its answer becomes a 200 (or a 500 carrying the gRPC status).
/// </summary>
public sealed class GrpcAppChannel : IAppChannel, IDisposable
{
    /// <summary>On a translated error answer: the app's gRPC status code and message, for gRPC callers to rebuild.</summary>
    public const string StatusHeader = "x-actorrt-grpc-status";
    public const string MessageHeader = "x-actorrt-grpc-message";

    private readonly HttpMessageInvoker _client;
    private readonly GrpcChannel _channel;
    private readonly AppCallbackClient _callback;
    private readonly AppConcurrencyLimiter _limiter;
    private readonly string? _appToken;

    public GrpcAppChannel(IOptions<GatewayOptions> options)
    {
        var o = options.Value;
        var tls = o.AppProtocol == "grpcs";
        BaseAddress = new Uri($"{(tls ? "https" : "http")}://{o.AppChannelAddress}:{o.AppPort}");
        _client = new HttpMessageInvoker(HttpAppChannel.CreateHandler(trustAnyCertificate: tls));
        _channel = GrpcChannel.ForAddress(BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = HttpAppChannel.CreateHandler(trustAnyCertificate: tls),
            MaxReceiveMessageSize = o.MaxRequestBodyMegabytes * 1024 * 1024,
            MaxSendMessageSize = o.MaxRequestBodyMegabytes * 1024 * 1024,
        });
        _appToken = o.AppApiToken;
        // Every AppCallback call (invocations, health checks) carries APP_API_TOKEN, whoever makes it.
        var invoker = _channel.CreateCallInvoker();
        Invoker = _appToken is null ? invoker : invoker.Intercept(WithAppToken);
        _callback = new AppCallbackClient(Invoker);
        _limiter = new AppConcurrencyLimiter(o.AppMaxConcurrency);
    }

    public Uri BaseAddress { get; }
    public Version HttpVersion => System.Net.HttpVersion.Version20;

    /// <summary>Calls into the app's gRPC server on the one channel, each carrying APP_API_TOKEN: what the pub/sub and
    /// binding callbacks (<c>OnTopicEvent</c>, <c>OnBindingEvent</c>, ...) use.</summary>
    public CallInvoker Invoker { get; }

    /// <summary>The app's AppCallback stubs (invocations, health checks; later subscriptions and bindings).</summary>
    public AppCallbackClient Callback => _callback;

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => _limiter.EnterAsync(cancellationToken);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_appToken is not null)
        {
            request.Headers.Remove(InvocationHeaders.ApiToken);
            request.Headers.TryAddWithoutValidation(InvocationHeaders.ApiToken, _appToken);
        }
        if (request.Content?.Headers.ContentType?.MediaType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            request.Version = System.Net.HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return _client.SendAsync(request, cancellationToken);
        }
        return OnInvokeAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> OnInvokeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var invoke = new InvokeRequest
        {
            Method = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            ContentType = request.Content?.Headers.ContentType?.ToString() ?? "",
            HttpExtension = new HTTPExtension { Verb = VerbOf(request.Method), Querystring = uri.Query.TrimStart('?') },
            Data = new Any
            {
                TypeUrl = request.Headers.TryGetValues(InvocationHeaders.AnyTypeUrl, out var t) ? t.First() : "",
                Value = request.Content is null ? ByteString.Empty : ByteString.CopyFrom(await request.Content.ReadAsByteArrayAsync(cancellationToken)),
            },
        };
        var metadata = new global::Grpc.Core.Metadata();
        foreach (var (name, values) in request.Headers)
        {
            var key = name.ToLowerInvariant();
            if (key == InvocationHeaders.AnyTypeUrl || key.EndsWith("-bin", StringComparison.Ordinal)) continue;
            foreach (var v in values) metadata.Add(key, v);
        }
        try
        {
            var answer = await _callback.OnInvokeAsync(invoke, new CallOptions(metadata, cancellationToken: cancellationToken));
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(answer.Data?.Value.ToByteArray() ?? []) };
            if (!string.IsNullOrEmpty(answer.ContentType) && MediaTypeHeaderValue.TryParse(answer.ContentType, out var ct)) response.Content.Headers.ContentType = ct;
            if (!string.IsNullOrEmpty(answer.Data?.TypeUrl)) response.Headers.TryAddWithoutValidation(InvocationHeaders.AnyTypeUrl, answer.Data.TypeUrl);
            return response;
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            if (e.StatusCode == StatusCode.Unavailable) throw new HttpRequestException(HttpRequestError.ConnectionError, e.Status.Detail, e);
            var response = new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                Content = new StringContent(e.Status.Detail, System.Text.Encoding.UTF8, "text/plain"),
            };
            response.Headers.TryAddWithoutValidation(StatusHeader, ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation(MessageHeader, Uri.EscapeDataString(e.Status.Detail));
            return response;
        }
    }

    private global::Grpc.Core.Metadata WithAppToken(global::Grpc.Core.Metadata metadata)
    {
        var given = metadata.Where(e => e.Key == InvocationHeaders.ApiToken).ToList();
        foreach (var e in given) metadata.Remove(e);
        metadata.Add(InvocationHeaders.ApiToken, _appToken!);
        return metadata;
    }

    internal static HTTPExtension.Types.Verb VerbOf(HttpMethod method) => method.Method.ToUpperInvariant() switch
    {
        "GET" => HTTPExtension.Types.Verb.Get,
        "HEAD" => HTTPExtension.Types.Verb.Head,
        "POST" => HTTPExtension.Types.Verb.Post,
        "PUT" => HTTPExtension.Types.Verb.Put,
        "DELETE" => HTTPExtension.Types.Verb.Delete,
        "CONNECT" => HTTPExtension.Types.Verb.Connect,
        "OPTIONS" => HTTPExtension.Types.Verb.Options,
        "TRACE" => HTTPExtension.Types.Verb.Trace,
        "PATCH" => HTTPExtension.Types.Verb.Patch,
        _ => HTTPExtension.Types.Verb.None,
    };

    public void Dispose()
    {
        _channel.Dispose();
        _client.Dispose();
    }
}
