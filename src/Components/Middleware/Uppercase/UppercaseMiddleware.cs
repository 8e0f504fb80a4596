using System.Text;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware.Uppercase;

/// <summary>
/// <c>middleware.http.uppercase</c>: Dapr's test middleware. Upper-cases the request body (read as UTF-8) before it
/// goes on; it has no metadata.
/// </summary>
public sealed class UppercaseMiddleware(ComponentDefinition definition) : IHttpMiddleware
{
    public ComponentDefinition Definition { get; } = definition;

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadBodyAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length > 0) request.SetBody(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).ToUpperInvariant()));
        return null;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
