using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware;

/// <summary>
/// The middleware of one pipeline (<c>spec.httpPipeline</c> or <c>spec.appHttpPipeline</c>), in the declared order.
/// Built at start-up from the Configuration's handlers and the app's components: a handler whose component is missing,
/// of another type, or not HTTP middleware stops start-up, as daprd refuses to build a pipeline it cannot complete.
/// </summary>
public sealed class HttpMiddlewarePipeline
{
    public const string TypePrefix = "middleware.http.";

    private readonly IHttpMiddleware[] _steps;

    private HttpMiddlewarePipeline(IHttpMiddleware[] steps, IReadOnlyList<string> names)
    {
        _steps = steps;
        Names = names;
    }

    public static HttpMiddlewarePipeline Empty { get; } = new([], []);

    /// <summary>Handler names in order (for logs and the metadata API).</summary>
    public IReadOnlyList<string> Names { get; }

    public bool IsEmpty => _steps.Length == 0;

    /// <summary>
    /// Resolves <paramref name="handlers"/> (from <paramref name="section"/>, e.g. <c>httpPipeline</c>, of the file
    /// <paramref name="configFile"/>) against the app's components.
    /// </summary>
    public static HttpMiddlewarePipeline Build(IReadOnlyList<PipelineHandler> handlers, string section, string? configFile, ComponentRegistry components)
    {
        if (handlers.Count == 0) return Empty;
        var steps = new IHttpMiddleware[handlers.Count];
        for (var i = 0; i < handlers.Count; i++)
        {
            var h = handlers[i];
            var field = $"spec.{section}.handlers[{i}]";
            if (!h.Type.StartsWith(TypePrefix, StringComparison.OrdinalIgnoreCase))
                throw new ComponentConfigurationException(configFile, h.Name, field + ".type",
                    $"'{h.Type}' is not HTTP middleware; handler types start with '{TypePrefix}'");
            if (!components.TryGetDefinition(h.Name, out var definition))
                throw new ComponentConfigurationException(configFile, h.Name, field + ".name",
                    $"no middleware component named '{h.Name}' is loaded; add a 'kind: Component' with this name and type '{h.Type}' to the resources path (and check its scopes)");
            if (!string.Equals(definition.Type, h.Type, StringComparison.OrdinalIgnoreCase))
                throw new ComponentConfigurationException(configFile, h.Name, field + ".type",
                    $"component '{h.Name}' ({definition.SourceFile}) has type '{definition.Type}', not '{h.Type}'");
            if (!components.TryGet<IHttpMiddleware>("middleware", h.Name, out var middleware))
                throw new ComponentConfigurationException(configFile, h.Name, field + ".name",
                    $"component '{h.Name}' failed to initialize and was skipped (ignoreErrors), so the pipeline cannot run it");
            steps[i] = middleware;
        }
        return new HttpMiddlewarePipeline(steps, [.. handlers.Select(h => h.Name)]);
    }

    /// <summary>Runs every step in order; the first rejection ends the run.</summary>
    public async ValueTask<MiddlewareRejection?> RunAsync(MiddlewareRequest request, CancellationToken cancellationToken)
    {
        foreach (var step in _steps)
            if (await step.HandleAsync(request, cancellationToken).ConfigureAwait(false) is { } rejection)
                return rejection;
        return null;
    }
}
