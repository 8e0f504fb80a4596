using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// Copies HTTP requests and responses across a hop: everything but hop-by-hop headers (RFC 9110 §7.6.1 plus the ones
/// daprd strips), bodies streamed, gRPC trailers kept.
/// </summary>
public static class HttpForwarding
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "HTTP2-Settings", "TE", "Trailer",
        "Proxy-Authorization", "Proxy-Authenticate", "Host", InvocationHeaders.ApiToken,
    };

    /// <summary>Headers that belong to one hop (and the caller's API token): never forwarded.</summary>
    public static bool IsHopByHop(string header) => HopByHop.Contains(header);

    /// <summary>A request for <paramref name="target"/> with the incoming request's verb, headers and (streamed) body.</summary>
    public static HttpRequestMessage CopyRequest(HttpRequest source, Uri target, Version version, bool withBody = true)
    {
        var message = new HttpRequestMessage(new HttpMethod(source.Method), target)
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (withBody && HasBody(source)) message.Content = new StreamContent(source.Body);
        foreach (var (name, values) in source.Headers)
        {
            if (HopByHop.Contains(name) || name.StartsWith(':')) continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!))
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
        }
        if (source.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            message.Headers.TryAddWithoutValidation("TE", "trailers"); // gRPC servers may insist on it
        return message;
    }

    /// <summary>A request without a body has neither a length nor chunked framing (HTTP/2: no length and end of stream).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    /// <summary>Writes <paramref name="response"/> to <paramref name="target"/>: status, headers, body, and trailers when both sides allow them.</summary>
    public static async Task CopyResponseAsync(HttpResponseMessage response, HttpResponse target, CancellationToken cancellationToken)
    {
        target.StatusCode = (int)response.StatusCode;
        CopyHeaders(response.Headers, target.Headers);
        CopyHeaders(response.Content.Headers, target.Headers);
        target.Headers.Remove(InvocationHeaders.GatewayError);
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            await body.CopyToAsync(target.Body, cancellationToken);
        }
        if (response.TrailingHeaders.Any() && target.SupportsTrailers())
            foreach (var (name, values) in response.TrailingHeaders) target.AppendTrailer(name, new StringValues([.. values]));
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (HopByHop.Contains(name)) continue;
            to[name] = new StringValues([.. values]);
        }
    }
}
