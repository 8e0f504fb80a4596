using System.Collections.Concurrent;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;

namespace ActorRuntime.Components;

/// <summary>
/// Every live component in this process, keyed by <see cref="ComponentDefinition.InstanceId"/>. Several apps
/// hosted by one process (a multi-app run) share one instance of a store they define identically, and grains
/// find stores here whatever app asked for them.
/// </summary>
public sealed class ComponentCatalog : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _stateStores = new(StringComparer.Ordinal);

    /// <summary>Builds (validating its metadata) or returns the shared store for this definition.</summary>
    public IStateStore AddStateStore(ComponentDefinition definition) =>
        _stateStores.GetOrAdd(definition.InstanceId, _ => new Entry(StateStoreFactory.Create(definition))).Store;

    public bool TryGetStateStore(string instanceId, out IStateStore store)
    {
        store = null!;
        if (!_stateStores.TryGetValue(instanceId, out var e)) return false;
        store = e.Store;
        return true;
    }

    public IStateStore GetStateStore(string instanceId) =>
        TryGetStateStore(instanceId, out var s) ? s
            : throw new KeyNotFoundException($"state store {instanceId.Split('#', 2)[0]} (instance {instanceId}) is not loaded in this process");

    /// <summary>Connects the store once, however many apps ask.</summary>
    public Task InitializeAsync(ComponentDefinition definition, CancellationToken cancellationToken)
    {
        var entry = _stateStores[definition.InstanceId];
        lock (entry)
        {
            if (entry.Init is null || entry.Init.IsFaulted || entry.Init.IsCanceled)
                entry.Init = entry.Store.InitAsync(cancellationToken);
            return entry.Init;
        }
    }

    /// <summary>
    /// Adds and connects a store within its <c>initTimeout</c>. Returns false when it failed but says
    /// <c>ignoreErrors</c> (it is then removed); any other failure stops start-up with an error naming the component.
    /// </summary>
    public async Task<bool> TryConnectAsync(ComponentDefinition definition, Action<string>? ignored, CancellationToken cancellationToken)
    {
        AddStateStore(definition);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(definition.InitTimeout);
        try
        {
            await InitializeAsync(definition, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (definition.IgnoreErrors && !cancellationToken.IsCancellationRequested)
        {
            ignored?.Invoke(ex.Message);
            await RemoveAsync(definition).ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var problem = ex is OperationCanceledException
                ? $"initialization did not finish within initTimeout {definition.InitTimeout.TotalSeconds:0.###}s"
                : $"initialization failed: {ex.Message}";
            throw new Model.ComponentConfigurationException(definition.SourceFile, definition.Name, null, problem, ex);
        }
    }

    public async Task RemoveAsync(ComponentDefinition definition)
    {
        if (_stateStores.TryRemove(definition.InstanceId, out var e)) await e.Store.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var e in _stateStores.Values) await e.Store.DisposeAsync().ConfigureAwait(false);
        _stateStores.Clear();
    }

    private sealed class Entry(IStateStore store)
    {
        public IStateStore Store { get; } = store;
        public Task? Init { get; set; }
    }
}
