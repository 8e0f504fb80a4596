using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Components.Middleware;

/// <summary>An incoming request to the runtime's HTTP API, changed in place for the steps and routing after it.</summary>
public sealed class HttpContextMiddlewareRequest(HttpContext context) : MiddlewareRequest
{
    public override string Method => context.Request.Method;

    public override string Path
    {
        get => context.Request.Path.HasValue ? context.Request.Path.Value! : "/";
        set => context.Request.Path = new PathString(value);
    }

    public override string Query
    {
        get => context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "";
        set => context.Request.QueryString = value.Length == 0 ? QueryString.Empty : new QueryString("?" + value);
    }

    public override string? RemoteAddress => context.Connection.RemoteIpAddress?.ToString();

    public override string? GetHeader(string name) =>
        context.Request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    public override void SetHeader(string name, string value) => context.Request.Headers[name] = value;

    public override void AddHeader(string name, string value) => context.Request.Headers.Append(name, value);

    public override async ValueTask<byte[]> ReadBodyAsync(CancellationToken cancellationToken)
    {
        context.Request.EnableBuffering();
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        context.Request.Body.Position = 0;
        return copy.ToArray();
    }

    public override void SetBody(byte[] body)
    {
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;
    }
}
