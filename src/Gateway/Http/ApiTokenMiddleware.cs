using System.Security.Cryptography;
using System.Text;
using ActorRuntime.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Http;

/// <summary>
/// When <c>DAPR_API_TOKEN</c> is set, every call to the public ports must carry it in the <c>dapr-api-token</c> header
/// (gRPC: metadata of the same name): the HTTP and gRPC APIs, metadata, gRPC proxying and <c>dapr-app-id</c> header
/// invocation alike, since this stage runs before all of them. Only the two health probes are exempt, as in daprd.
/// The header is then removed so it never travels on. Compared in constant time; never logged.
/// </summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public const string HeaderName = "dapr-api-token";
    private readonly byte[]? _token = string.IsNullOrEmpty(options.Value.ApiToken) ? null : Encoding.UTF8.GetBytes(options.Value.ApiToken);

    public Task InvokeAsync(HttpContext context)
    {
        if (_token is null || IsHealthProbe(context.Request)) return next(context);
        var given = Encoding.UTF8.GetBytes(context.Request.Headers[HeaderName].ToString());
        if (!CryptographicOperations.FixedTimeEquals(given, _token)) return RefuseAsync(context, "invalid api token");
        context.Request.Headers.Remove(HeaderName);
        return next(context);
    }

    /// <summary>daprd's answer to a call without the right credential: 401 <c>ERR_INVALID_API_TOKEN</c>, or gRPC <c>Unauthenticated</c>.</summary>
    internal static Task RefuseAsync(HttpContext context, string message)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "16"); // Unauthenticated
            context.Response.AppendTrailer("grpc-message", message);
            return Task.CompletedTask;
        }
        return context.Response.WriteDaprErrorAsync(new DaprError("ERR_INVALID_API_TOKEN", message, 401, global::Grpc.Core.StatusCode.Unauthenticated));
    }

    /// <summary>daprd's exempt list: the two health probes.</summary>
    internal static bool IsHealthProbe(HttpRequest r) =>
        HttpMethods.IsGet(r.Method) && (r.Path.Equals("/v1.0/healthz") || r.Path.Equals("/v1.0/healthz/outbound"));
}
