using ActorRuntime.Components.Model;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components;

/// <summary>
/// One app's view of its components, of every building block: names as the app uses them, mapped onto the
/// process-wide <see cref="ComponentCatalog"/>. Construction builds every component, so a configuration mistake fails
/// before anything starts; <see cref="InitializeAsync"/> then connects them.
/// </summary>
public sealed partial class ComponentRegistry
{
    private readonly ILogger _logger;
    private readonly ComponentCatalog _catalog;
    private readonly Dictionary<string, ComponentDefinition> _byName = new(StringComparer.Ordinal);
    // Live components by name; a component whose init failed with ignoreErrors is removed, its definition kept.
    private readonly Dictionary<string, IComponent> _live = new(StringComparer.Ordinal);
    private volatile bool _ready;
    // Live components per category, asked on every state request: counted when the live set changes, not per call.
    private IReadOnlyDictionary<string, int> _counts = new Dictionary<string, int>();

    public ComponentRegistry(IEnumerable<ComponentDefinition> definitions, ComponentCatalog catalog, ILogger<ComponentRegistry> logger)
    {
        _logger = logger;
        _catalog = catalog;
        foreach (var d in definitions)
        {
            if (!_byName.TryAdd(d.Name, d))
                throw new ComponentConfigurationException(d.SourceFile, d.Name, "metadata.name", "a component with this name is already loaded");
            _live[d.Name] = catalog.Add(d);
        }
        Definitions = [.. _byName.Values];
        Recount();
        var actorStores = Definitions.Where(d => d.Category == "state" && d.GetMetadata().GetBool("actorStateStore", false)).ToList();
        if (actorStores.Count > 1)
            throw new ComponentConfigurationException(actorStores[1].SourceFile, actorStores[1].Name, "actorStateStore",
                $"only one state store may set actorStateStore to true; '{actorStores[0].Name}' already does");
        ActorStateStoreName = actorStores.FirstOrDefault()?.Name;
    }

    public IReadOnlyList<ComponentDefinition> Definitions { get; }
    public string? ActorStateStoreName { get; }
    public bool IsReady => _ready;

    /// <summary>How many live components the app has in <paramref name="category"/>.</summary>
    public int Count(string category) => _counts.GetValueOrDefault(category);

    public int StateStoreCount => Count("state");

    public bool TryGetDefinition(string name, out ComponentDefinition definition) => _byName.TryGetValue(name, out definition!);

    /// <summary>The live component <paramref name="name"/> when it belongs to <paramref name="category"/> and implements <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(string category, string name, out T component) where T : class, IComponent
    {
        component = null!;
        if (!_live.TryGetValue(name, out var c) || c is not T typed || _byName[name].Category != category) return false;
        component = typed;
        return true;
    }

    /// <summary>What the metadata API reports for a component; empty when it is not live.</summary>
    public IReadOnlyList<string> Capabilities(string name) => _live.TryGetValue(name, out var c) ? c.Capabilities : [];

    /// <summary>Connects every component within its <c>initTimeout</c>. A failure stops start-up unless the component says <c>ignoreErrors</c>.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in Definitions) await ConnectAsync(definition, cancellationToken).ConfigureAwait(false);
        _ready = true;
    }

    /// <summary>
    /// Ready without connecting the components silos serve: this process only needs their definitions. Those the
    /// gateway serves itself (<see cref="ServedByGateway"/>) are still connected.
    /// </summary>
    public async Task MarkDefinedOnly(CancellationToken cancellationToken = default)
    {
        foreach (var definition in Definitions.Where(d => ServedByGateway(d.Category)))
            await ConnectAsync(definition, cancellationToken).ConfigureAwait(false);
        _ready = true;
    }

    /// <summary>Building blocks the app's gateway serves from its own process rather than through grains: secret stores
    /// (read-only, per app, and needed where the app's requests arrive) and configuration stores (read-only for the
    /// app; a subscription belongs to the app's own sidecar) and bindings (an output binding is the app's call to an
    /// outside system, made where the call arrives, as daprd's sidecar makes it).</summary>
    public static bool ServedByGateway(string category) =>
        category is Secrets.ComponentSecretResolver.Category or "configuration" or Bindings.BindingsCatalogExtensions.Category;

    private async Task ConnectAsync(ComponentDefinition definition, CancellationToken cancellationToken)
    {
        if (await _catalog.TryConnectAsync(definition, error => LogComponentIgnored(definition.Name, definition.Type, error), cancellationToken).ConfigureAwait(false))
            LogComponentLoaded(definition.Name, definition.Type);
        else if (_live.Remove(definition.Name))
            Recount();
    }

    private void Recount() =>
        _counts = _live.Keys.GroupBy(n => _byName[n].Category, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Component loaded: {Name} ({Type})")]
    private partial void LogComponentLoaded(string name, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Component {Name} ({Type}) failed to initialize and is skipped (ignoreErrors: true): {Error}")]
    private partial void LogComponentIgnored(string name, string type, string error);
}
