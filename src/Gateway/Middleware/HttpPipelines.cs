using ActorRuntime.Components;
using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.Middleware;

/// <summary>
/// The two middleware pipelines of the Configuration file: <c>spec.httpPipeline</c> (the app's requests to this
/// runtime's HTTP API) and <c>spec.appHttpPipeline</c> (the runtime's HTTP calls into the app). Built once, when the
/// gateway is set up, so a handler naming a missing or wrong component stops start-up.
/// </summary>
public sealed class HttpPipelines
{
    public HttpPipelines(RuntimeConfiguration configuration, IServiceProvider services)
    {
        if (configuration.HttpPipeline.Count == 0 && configuration.AppHttpPipeline.Count == 0) return;
        // Only a configuration with handlers needs the app's components (test hosts without components have none).
        var components = services.GetRequiredService<ComponentRegistry>();
        Api = HttpMiddlewarePipeline.Build(configuration.HttpPipeline, "httpPipeline", configuration.SourceFile, components);
        App = HttpMiddlewarePipeline.Build(configuration.AppHttpPipeline, "appHttpPipeline", configuration.SourceFile, components);
    }

    /// <summary><c>spec.httpPipeline</c>.</summary>
    public HttpMiddlewarePipeline Api { get; } = HttpMiddlewarePipeline.Empty;

    /// <summary><c>spec.appHttpPipeline</c>.</summary>
    public HttpMiddlewarePipeline App { get; } = HttpMiddlewarePipeline.Empty;
}
