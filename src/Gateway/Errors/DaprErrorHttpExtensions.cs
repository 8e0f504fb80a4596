using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Errors;

public static class DaprErrorHttpExtensions
{
    public static Task WriteDaprErrorAsync(this HttpResponse response, DaprError error)
    {
        error = ErrorSanitizer.Sanitize(error, response.HttpContext.ErrorLogger());
        response.StatusCode = error.HttpStatus;
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(new ErrorBody(error.ErrorCode, error.Message), GatewayJsonContext.Default.ErrorBody));
    }

    /// <summary>The logger of <see cref="ErrorSanitizer"/>'s detail lines, from the request's services.</summary>
    public static ILogger? ErrorLogger(this HttpContext http) =>
        http.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(ErrorSanitizer.LogCategory);

    public static IResult ToResult(this DaprError error) => new DaprErrorResult(error);

    private sealed class DaprErrorResult(DaprError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => httpContext.Response.WriteDaprErrorAsync(error);
    }
}

public sealed record ErrorBody(string ErrorCode, string Message);
