using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware;

/// <summary>
/// A <c>middleware.http.*</c> component: one step of <c>spec.httpPipeline</c> (requests from the app to the runtime's
/// API) or <c>spec.appHttpPipeline</c> (calls the runtime makes into the app). It sees the request before it goes on
/// and may change it (path, query, headers, body) or refuse it. Both pipelines hand it the same
/// <see cref="MiddlewareRequest"/>, so one component serves either direction.
/// </summary>
public interface IHttpMiddleware : IComponent
{
    /// <summary>Null lets the request go on (possibly changed); a rejection ends it with that answer.</summary>
    ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// How a middleware refuses a request: Dapr's middleware answers <c>text/plain</c> with a short message
/// (the status text, e.g. <c>Unauthorized</c>, or its own, e.g. <c>invalid router</c>).
/// </summary>
public sealed record MiddlewareRejection(int StatusCode, string Message)
{
    public static MiddlewareRejection Status(int statusCode) =>
        new(statusCode, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode));
}
