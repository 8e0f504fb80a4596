using ActorRuntime.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Http;

/// <summary>
/// When <c>DAPR_API_TOKEN</c> is set, every API call must carry it in the <c>dapr-api-token</c> header (gRPC:
/// metadata of the same name), except the two health probes; the header is then removed, as daprd does.
/// </summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public const string HeaderName = "dapr-api-token";
    private readonly string? _token = options.Value.ApiToken;

    public Task InvokeAsync(HttpContext context)
    {
        if (string.IsNullOrEmpty(_token) || IsHealthProbe(context.Request)) return next(context);
        var given = context.Request.Headers[HeaderName].ToString();
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(_token)))
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/grpc";
                context.Response.AppendTrailer("grpc-status", "16"); // Unauthenticated
                context.Response.AppendTrailer("grpc-message", "missing or invalid dapr-api-token");
                return Task.CompletedTask;
            }
            return context.Response.WriteDaprErrorAsync(new DaprError("ERR_INVALID_API_TOKEN", "invalid api token", 401, global::Grpc.Core.StatusCode.Unauthenticated));
        }
        context.Request.Headers.Remove(HeaderName);
        return next(context);
    }

    private static bool IsHealthProbe(HttpRequest r) =>
        HttpMethods.IsGet(r.Method) && (r.Path.Equals("/v1.0/healthz") || r.Path.Equals("/v1.0/healthz/outbound"));
}
