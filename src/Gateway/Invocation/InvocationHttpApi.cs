using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// Service invocation over HTTP: <c>/v1.0/invoke/{target}/method/{method...}</c> for any verb. The method is taken from
/// the raw request target, so percent-encoded characters reach the app as the caller wrote them.
/// </summary>
public static class InvocationHttpApi
{
    private const string Prefix = "/v1.0/invoke/";

    public static IEndpointRouteBuilder MapInvocationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/v1.0/invoke/{**rest}", (HttpContext http, InvocationHandler handler) =>
        {
            var raw = RawTarget(http);
            if (!TrySplit(raw, out var target, out var method))
                return http.Response.WriteDaprErrorAsync(DaprErrors.DirectInvokeNoAppId());
            return handler.InvokeAsync(http, target, method);
        });
        return endpoints;
    }

    /// <summary>
    /// The <c>dapr-app-id</c> header (or Basic auth user <c>dapr-app-id</c>) on a path that is not a Dapr API path:
    /// the whole path is the method.
    /// </summary>
    public static IApplicationBuilder UseAppIdHeaderInvocation(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var path = http.Request.Path.Value ?? "";
        if (IsApiPath(path) || !TryGetHeaderTarget(http.Request, out var target)) return next(http);
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true) return next(http); // gRPC proxying
        http.Request.Headers.Remove(InvocationHeaders.AppId);
        return http.RequestServices.GetRequiredService<InvocationHandler>().InvokeAsync(http, target, RawTarget(http));
    });

    private static bool IsApiPath(string path) =>
        path.StartsWith("/v1.0/", StringComparison.Ordinal) || path.StartsWith("/v1.0-", StringComparison.Ordinal)
        || path.StartsWith("/dapr.proto.", StringComparison.Ordinal);

    private static bool TryGetHeaderTarget(HttpRequest request, out string target)
    {
        target = request.Headers[InvocationHeaders.AppId].ToString();
        if (target.Length > 0) return true;
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
            if (!decoded.StartsWith(InvocationHeaders.AppId + ":", StringComparison.Ordinal)) return false;
            target = decoded[(InvocationHeaders.AppId.Length + 1)..];
            request.Headers.Remove("Authorization");
            return target.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The request target as sent (still percent-encoded), e.g. <c>/v1.0/invoke/app/method/a%2Fb?x=1</c>.</summary>
    internal static string RawTarget(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/') return http.Request.Path + http.Request.QueryString;
        return raw.Length > 1 && raw[1] == '/' ? "/" + raw.TrimStart('/') : raw;
    }

    /// <summary>Splits <c>/v1.0/invoke/{target}/method/{method...}</c> into the target and <c>/{method...}?query</c>.</summary>
    internal static bool TrySplit(string raw, out string target, out string method)
    {
        target = method = "";
        if (!raw.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = raw.AsSpan(Prefix.Length);
        // An external URL target is percent-encoded or runs up to "/method/".
        var marker = rest.IndexOf("/method/", StringComparison.Ordinal);
        if (marker <= 0) return false;
        target = rest[..marker].ToString();
        method = rest[(marker + "/method".Length)..].ToString();
        return method.Length > 1 && method[1] != '?';
    }
}
