using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Silo.Hosting;

/// <summary>
/// Which state store components a silo serves, decided while the silo is configured (grain storage names must be
/// known then): <see cref="ActorRuntimeSiloOptions.Components"/>, else <see cref="ActorRuntimeSiloOptions.ResourcesPaths"/>,
/// else a component list already registered in the services (as <c>actorrt silo</c> does), else the default components
/// folder of the runtime home.
/// </summary>
internal static class SiloComponents
{
    /// <param name="Explicit">The components were named by the caller (options), so a store that cannot connect stops start-up.</param>
    /// <param name="All">Every component the silo serves, of every building block; connected before the silo is active.</param>
    internal sealed record Resolved(IReadOnlyList<ComponentDefinition> All, IReadOnlyList<ComponentDefinition> StateStores, ComponentDefinition? ActorStateStore, string? Problem, bool Explicit)
    {
        public static readonly Resolved None = new([], [], null, null, false);
    }

    /// <param name="useDefaultFolder">False when the silo needs no state store of its own: without components named by
    /// the caller it then serves none, rather than create the default folder.</param>
    public static Resolved Resolve(IServiceCollection services, ActorRuntimeSiloOptions options, bool useDefaultFolder = true)
    {
        IReadOnlyList<ComponentDefinition> definitions;
        string source;
        var explicitly = options.Components is not null || options.ResourcesPaths is { Count: > 0 };
        if (options.Components is { } given)
        {
            // Built in code, not read by ResourceLoader: their secretKeyRef entries are resolved here (a no-op when resolved).
            definitions = ComponentSecretResolver.Resolve(given, ComponentTypes.From(services));
            source = "the components given to AddActorRuntimeSilo";
        }
        else if (options.ResourcesPaths is { Count: > 0 } paths)
        {
            // Named explicitly: a broken file is the caller's mistake and stops start-up.
            definitions = ResourceLoader.LoadForAllApps(paths, ComponentTypes.From(services));
            source = string.Join(", ", paths);
        }
        else if (Registered(services) is { } registered)
        {
            definitions = registered;
            source = "the registered component list";
        }
        else if (!useDefaultFolder)
        {
            return Resolved.None;
        }
        else
        {
            var folder = ActorRuntimeHome.ComponentsDirectory(ActorRuntimeHome.Resolve());
            source = folder;
            try
            {
                folder = EmbeddedDefaults.EnsureDefaultComponentsIn(ActorRuntimeHome.Resolve());
                definitions = ResourceLoader.LoadForAllApps([folder], ComponentTypes.From(services));
            }
            catch (Exception e) when (e is ComponentConfigurationException or IOException or UnauthorizedAccessException)
            {
                // Not asked for by name: a problem here must not stop a silo that may never use grain state.
                return new Resolved([], [], null, $"the default components in {folder} could not be loaded: {e.Message}", false);
            }
        }

        var stores = definitions
            .Where(d => d.Category == "state")
            .DistinctBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        var marked = stores.Where(d => d.GetMetadata().GetBool("actorStateStore", false)).ToList();
        if (marked.Count > 0) return new Resolved(definitions, stores, marked[0], null, explicitly);
        if (stores.Count == 1) return new Resolved(definitions, stores, stores[0], null, explicitly);
        var problem = stores.Count == 0
            ? $"no state store component in {source}"
            : $"none of the state stores in {source} ({string.Join(", ", stores.Select(s => s.Name))}) sets actorStateStore: \"true\"";
        return new Resolved(definitions, stores, null, problem, explicitly);
    }

    private static IReadOnlyList<ComponentDefinition>? Registered(IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(IReadOnlyList<ComponentDefinition>) && !d.IsKeyedService && d.ImplementationInstance is not null)
            ?.ImplementationInstance as IReadOnlyList<ComponentDefinition>;
}
