using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.Bindings;

public static class BindingsServiceCollectionExtensions
{
    /// <summary>The output bindings API's services.</summary>
    public static IServiceCollection AddActorRuntimeBindings(this IServiceCollection services)
    {
        services.AddSingleton<BindingsService>();
        // A binding's metadata goes back as "metadata.*" headers, and some values are not ASCII (the PostgreSQL binding's
        // "duration" is "294µs"): daprd writes them as UTF-8, where Kestrel would otherwise refuse the response.
        services.Configure<KestrelServerOptions>(k =>
        {
            var previous = k.ResponseHeaderEncodingSelector;
            k.ResponseHeaderEncodingSelector = header =>
                header.StartsWith(BindingsHttpApi.MetadataHeaderPrefix, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : previous(header);
        });
        return services;
    }
}
