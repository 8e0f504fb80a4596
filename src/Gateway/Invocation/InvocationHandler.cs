using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// One HTTP invocation from the app: to another app through its gateway (<see cref="ServiceInvoker"/>), or to a
/// non-Dapr endpoint (an <c>HTTPEndpoint</c> resource or a URL) straight from here. The body is buffered as it streams
/// through (memory up to 1 MB, then a temporary file), so a retry can send it again.
/// </summary>
public sealed class InvocationHandler(ServiceInvoker invoker, InvocationPolicies policies, HttpEndpoints endpoints, IOptions<GatewayOptions> options) : IDisposable
{
    private readonly HttpMessageInvoker _external = new(HttpAppChannel.CreateHandler());
    private readonly long _maxBody = options.Value.MaxRequestBodyMegabytes * 1024L * 1024L;

    public async Task InvokeAsync(HttpContext http, string rawTarget, string method)
    {
        var ct = http.RequestAborted;
        if (http.Request.ContentLength > _maxBody)
        {
            await DiscardBodyAsync(http, ct);
            await http.Response.WriteDaprErrorAsync(DaprErrors.BodyTooLarge(options.Value.MaxRequestBodyMegabytes));
            return;
        }
        var target = endpoints.TryGet(Uri.UnescapeDataString(rawTarget), out var endpoint)
            ? new InvocationTarget(endpoint.Name, null, endpoint.BaseUrl)
            : InvocationTarget.Parse(rawTarget);
        if (target is null)
        {
            await http.Response.WriteDaprErrorAsync(DaprErrors.DirectInvoke(rawTarget, "invalid app id: the form is 'app' or 'app.namespace'", 400));
            return;
        }
        http.Request.EnableBuffering(bufferThreshold: 1024 * 1024, bufferLimit: _maxBody);
        try
        {
            // Read it all first: the copy sent on each attempt then has a known length, the same every time.
            await http.Request.Body.DrainAsync(ct);
        }
        catch (Exception e) when (e is BadHttpRequestException { StatusCode: 413 } or IOException && !ct.IsCancellationRequested)
        {
            await http.Response.WriteDaprErrorAsync(DaprErrors.BodyTooLarge(options.Value.MaxRequestBodyMegabytes));
            return;
        }
        var traceparent = http.Items[TraceContextMiddleware.ItemKey] as string ?? "";
        HttpRequestMessage NewRequest(Uri uri)
        {
            if (http.Request.Body.CanSeek) http.Request.Body.Position = 0;
            return HttpForwarding.CopyRequest(http.Request, uri, ServiceInvoker.PeerVersion);
        }

        HttpResponseMessage response;
        try
        {
            response = target.ExternalBase is { } external
                ? await SendExternalAsync(external, endpoint, method, NewRequest, traceparent, ct)
                : await policies.ForApp(target.AppId).InvokeAsync(c => invoker.InvokeAsync(target, method, NewRequest, traceparent, c), ct);
        }
        catch (DaprApiException e)
        {
            await http.Response.WriteDaprErrorAsync(e.Error);
            return;
        }
        catch (HttpRequestException e) when (e.InnerException is BadHttpRequestException { StatusCode: 413 })
        {
            await http.Response.WriteDaprErrorAsync(DaprErrors.BodyTooLarge(options.Value.MaxRequestBodyMegabytes));
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or CircuitBreakerOpenException && !ct.IsCancellationRequested)
        {
            await http.Response.WriteDaprErrorAsync(DaprErrors.DirectInvoke(target.Display, e.Message));
            return;
        }
        using (response) await HttpForwarding.CopyResponseAsync(response, http.Response, ct);
    }

    /// <summary>
    /// Reads and drops a refused body (up to 64 MB past the limit) before answering 413: a client still sending when
    /// the connection closes would see a broken pipe instead of Dapr's error.
    /// </summary>
    private async Task DiscardBodyAsync(HttpContext http, CancellationToken ct)
    {
        var limit = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (limit is null || limit.IsReadOnly || http.Request.ContentLength > _maxBody + 64L * 1024 * 1024) return;
        limit.MaxRequestBodySize = null;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await http.Request.Body.ReadAsync(buffer, ct) > 0) { }
        }
        catch (IOException) { } // the client gave up: nothing more to read
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task<HttpResponseMessage> SendExternalAsync(Uri baseUrl, HttpEndpoint? endpoint, string method, Func<Uri, HttpRequestMessage> newRequest, string traceparent, CancellationToken ct)
    {
        var request = newRequest(new Uri(baseUrl.ToString().TrimEnd('/') + method));
        request.Version = System.Net.HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        request.Headers.Remove(TraceContextMiddleware.TraceParent);
        request.Headers.TryAddWithoutValidation(TraceContextMiddleware.TraceParent, traceparent);
        foreach (var (name, value) in endpoint?.Headers ?? [])
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return _external.SendAsync(request, ct);
    }

    public void Dispose() => _external.Dispose();
}
