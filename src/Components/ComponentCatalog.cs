using System.Collections.Concurrent;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components;

/// <summary>
/// Every live component in this process, of every building block, keyed by category and
/// <see cref="ComponentDefinition.InstanceId"/>. Several apps hosted by one process (a multi-app run) share one instance
/// of a component they define identically, and grains find components here whatever app asked for them.
/// </summary>
public sealed class ComponentCatalog(ComponentTypes? types = null, IServiceProvider? services = null) : IAsyncDisposable
{
    private readonly ComponentTypes _types = types ?? ComponentTypes.BuiltIn;
    private readonly ConcurrentDictionary<(string Category, string InstanceId), Entry> _components = new();
    // Components that failed to connect and said ignoreErrors: asked again (another app, or the silo and then the
    // gateway of one process), they are skipped at once rather than waiting out initTimeout a second time.
    private readonly ConcurrentDictionary<(string Category, string InstanceId), string> _ignored = new();

    public ComponentTypes Types => _types;

    /// <summary>Builds (validating its metadata) or returns the shared component for this definition.</summary>
    public IComponent Add(ComponentDefinition definition) =>
        _components.GetOrAdd(Key(definition), static (_, arg) => new Entry(arg.Types.Create(arg.Definition, arg.Services)),
            (Types: _types, Definition: definition, Services: services)).Component;

    /// <summary>The component of <paramref name="category"/> with this instance id, if loaded and of contract <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(string category, string instanceId, out T component) where T : class, IComponent
    {
        component = null!;
        if (!_components.TryGetValue((category, instanceId), out var e) || e.Component is not T typed) return false;
        component = typed;
        return true;
    }

    public T Get<T>(string category, string instanceId) where T : class, IComponent =>
        TryGet<T>(category, instanceId, out var c) ? c
            : throw new KeyNotFoundException($"{category} component {instanceId.Split('#', 2)[0]} (instance {instanceId}) is not loaded in this process");

    /// <summary>Connects the component once, however many apps ask.</summary>
    public Task InitializeAsync(ComponentDefinition definition, CancellationToken cancellationToken)
    {
        var entry = _components[Key(definition)];
        lock (entry)
        {
            if (entry.Init is null || entry.Init.IsFaulted || entry.Init.IsCanceled)
                entry.Init = entry.Component.InitAsync(cancellationToken);
            return entry.Init;
        }
    }

    /// <summary>
    /// Adds and connects a component within its <c>initTimeout</c>. Returns false when it failed but says
    /// <c>ignoreErrors</c> (it is then removed); any other failure stops start-up with an error naming the component.
    /// </summary>
    public async Task<bool> TryConnectAsync(ComponentDefinition definition, Action<string>? ignored, CancellationToken cancellationToken)
    {
        if (definition.IgnoreErrors && _ignored.TryGetValue(Key(definition), out var earlier))
        {
            ignored?.Invoke(earlier);
            return false;
        }
        Add(definition);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(definition.InitTimeout);
        try
        {
            await InitializeAsync(definition, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (definition.IgnoreErrors && !cancellationToken.IsCancellationRequested)
        {
            var message = definition.RedactSecrets(ex.Message);
            ignored?.Invoke(message);
            _ignored[Key(definition)] = message;
            await RemoveAsync(definition).ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var problem = ex is OperationCanceledException
                ? $"initialization did not finish within initTimeout {definition.InitTimeout.TotalSeconds:0.###}s"
                : $"initialization failed: {definition.RedactSecrets(ex.Message)}";
            // Not chained: the inner exception's own message may carry a value taken from a secret.
            throw new ComponentConfigurationException(definition.SourceFile, definition.Name, null, problem);
        }
    }

    public async Task RemoveAsync(ComponentDefinition definition)
    {
        if (_components.TryRemove(Key(definition), out var e)) await e.Component.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var e in _components.Values) await e.Component.DisposeAsync().ConfigureAwait(false);
        _components.Clear();
    }

    private static (string, string) Key(ComponentDefinition d) => (d.Category, d.InstanceId);

    private sealed class Entry(IComponent component)
    {
        public IComponent Component { get; } = component;
        public Task? Init { get; set; }
    }
}
