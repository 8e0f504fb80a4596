using ActorRuntime.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>
/// First stage of the HTTP pipeline: any <see cref="DaprApiException"/> below becomes Dapr's error body (through
/// <see cref="ErrorSanitizer"/>), and any other exception a 500 <c>ERR_INTERNAL</c> with a correlation id.
/// </summary>
internal sealed class DaprErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (DaprApiException ex) when (!context.Response.HasStarted)
        {
            await context.Response.WriteDaprErrorAsync(ex.Error);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's body-size limit and similar: Dapr answers these as malformed requests.
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new DaprError("ERR_MALFORMED_REQUEST", $"request body too large: {ex.Message}", 413, global::Grpc.Core.StatusCode.ResourceExhausted)
                : DaprErrors.MalformedRequest(ex.Message);
            await context.Response.WriteDaprErrorAsync(error);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !(ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            // Nothing shaped this failure: answer without its text (which may carry internals) and log it.
            await context.Response.WriteDaprErrorAsync(ErrorSanitizer.Unexpected(ex, context.ErrorLogger()));
        }
    }
}
