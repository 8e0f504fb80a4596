using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Errors;

public static class DaprErrorHttpExtensions
{
    public static Task WriteDaprErrorAsync(this HttpResponse response, DaprError error)
    {
        response.StatusCode = error.HttpStatus;
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(new ErrorBody(error.ErrorCode, error.Message), GatewayJsonContext.Default.ErrorBody));
    }

    public static IResult ToResult(this DaprError error) => new DaprErrorResult(error);

    private sealed class DaprErrorResult(DaprError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => httpContext.Response.WriteDaprErrorAsync(error);
    }
}

public sealed record ErrorBody(string ErrorCode, string Message);
