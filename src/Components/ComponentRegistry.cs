using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components;

/// <summary>
/// One app's view of its components: names as the app uses them, mapped onto the process-wide
/// <see cref="ComponentCatalog"/>. Construction builds every component, so a configuration mistake fails before
/// anything starts; <see cref="InitializeAsync"/> then connects them.
/// </summary>
public sealed partial class ComponentRegistry
{
    private readonly ILogger _logger;
    private readonly ComponentCatalog _catalog;
    private readonly Dictionary<string, IStateStore> _stateStores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ComponentDefinition> _byName = new(StringComparer.Ordinal);
    private volatile bool _ready;

    public ComponentRegistry(IEnumerable<ComponentDefinition> definitions, ComponentCatalog catalog, ILogger<ComponentRegistry> logger)
    {
        _logger = logger;
        _catalog = catalog;
        foreach (var d in definitions)
        {
            if (!_byName.TryAdd(d.Name, d))
                throw new ComponentConfigurationException(d.SourceFile, d.Name, "metadata.name", "a component with this name is already loaded");
            if (d.Category == "state") _stateStores[d.Name] = catalog.AddStateStore(d);
        }
        Definitions = [.. _byName.Values];
        var actorStores = Definitions.Where(d => d.Category == "state" && d.GetMetadata().GetBool("actorStateStore", false)).ToList();
        if (actorStores.Count > 1)
            throw new ComponentConfigurationException(actorStores[1].SourceFile, actorStores[1].Name, "actorStateStore",
                $"only one state store may set actorStateStore to true; '{actorStores[0].Name}' already does");
        ActorStateStoreName = actorStores.FirstOrDefault()?.Name;
    }

    public IReadOnlyList<ComponentDefinition> Definitions { get; }
    public string? ActorStateStoreName { get; }
    public bool IsReady => _ready;
    public int StateStoreCount => _stateStores.Count;

    public bool TryGetDefinition(string name, out ComponentDefinition definition) => _byName.TryGetValue(name, out definition!);

    public bool TryGetStateStore(string name, out IStateStore store) => _stateStores.TryGetValue(name, out store!);

    /// <summary>Connects every component within its <c>initTimeout</c>. A failure stops start-up unless the component says <c>ignoreErrors</c>.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var name in _stateStores.Keys.ToList())
        {
            var definition = _byName[name];
            if (await _catalog.TryConnectAsync(definition, error => LogComponentIgnored(name, definition.Type, error), cancellationToken).ConfigureAwait(false))
                LogComponentLoaded(name, definition.Type);
            else
                _stateStores.Remove(name);
        }
        _ready = true;
    }

    /// <summary>Ready without connecting: the stores are used by silos elsewhere, this process only needs their definitions.</summary>
    public Task MarkDefinedOnly()
    {
        _ready = true;
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Component loaded: {Name} ({Type})")]
    private partial void LogComponentLoaded(string name, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Component {Name} ({Type}) failed to initialize and is skipped (ignoreErrors: true): {Error}")]
    private partial void LogComponentIgnored(string name, string type, string error);
}
