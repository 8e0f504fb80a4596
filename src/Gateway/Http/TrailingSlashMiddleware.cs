using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>daprd tolerates a trailing slash on API routes (<c>/v1.0/state/s/k/</c> is key <c>k</c>); so do we, before routing.</summary>
internal sealed class TrailingSlashMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 1 } && path[^1] == '/' && path.StartsWith("/v1.0", StringComparison.Ordinal))
            context.Request.Path = new PathString(path.TrimEnd('/'));
        return next(context);
    }
}
