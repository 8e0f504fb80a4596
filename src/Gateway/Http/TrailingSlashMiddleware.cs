using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>
/// daprd cleans API paths before routing: a trailing slash is dropped (<c>/v1.0/state/s/k/</c> is key <c>k</c>) and a
/// doubled leading slash is collapsed (the .NET actor SDK sends <c>//v1.0/actors/...</c>). So do we.
/// </summary>
internal sealed class TrailingSlashMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 2 } && path[1] == '/')
        {
            var trimmed = "/" + path.TrimStart('/');
            if (trimmed.StartsWith("/v1.0", StringComparison.Ordinal)) context.Request.Path = new PathString(path = trimmed);
        }
        if (path is { Length: > 1 } && path[^1] == '/' && path.StartsWith("/v1.0", StringComparison.Ordinal))
            context.Request.Path = new PathString(path.TrimEnd('/'));
        return next(context);
    }
}
