using System.Text.Json;
using ActorRuntime.Components;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ActorRuntime.Silo.Storage;

/// <summary>Settings of one <see cref="StateStoreGrainStorage"/> (named options, one per storage name).</summary>
public sealed class StateStoreGrainStorageOptions
{
    /// <summary>
    /// The Dapr state store component that holds grain state. Null leaves the storage registered but failing every
    /// call with <see cref="MissingComponentReason"/>, so a silo without state stores still starts.
    /// </summary>
    public ComponentDefinition? Component { get; set; }

    /// <summary>Why <see cref="Component"/> is null, for the error message (set by <c>AddActorRuntimeSilo</c>).</summary>
    public string? MissingComponentReason { get; set; }

    /// <summary>
    /// Whether a store that fails to connect when the silo starts stops the start (default), or is only logged and
    /// retried on first use (for a component the host did not ask for by name). A component that says
    /// <c>ignoreErrors: true</c> never stops the start.
    /// </summary>
    public bool RequiredAtStart { get; set; } = true;

    /// <summary>First part of every key; null uses the cluster's ServiceId (state is per service, like Orleans' own providers).</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>How grain state becomes JSON. Default: web defaults (camelCase, case-insensitive reads) plus public fields.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = JsonGrainStateSerializer.CreateDefaultOptions();
}

/// <summary>
/// Orleans grain storage over any Dapr state store (<see cref="IStateStore"/>) of the process's
/// <see cref="ComponentCatalog"/>: a grain's <c>IPersistentState&lt;T&gt;</c> is one key of the store, its value the
/// state as UTF-8 JSON (System.Text.Json), its ETag the store's ETag.
/// </summary>
/// <remarks>
/// <para>Key layout (see <see cref="GrainStateKey"/>): <c>{serviceId}||grain||{grainType}||{grainKey}||{stateName}</c>,
/// e.g. <c>actorrt-local||grain||counter||c1||counter</c>. Dapr app keys (<c>{appId}||{key}</c>) never contain a second
/// <c>||</c> (the state API refuses them) and actor keys start with an app id, so grain keys cannot collide with either.</para>
/// <para>Concurrency is decided by the store, as for the Dapr state API: a write presents the ETag the grain last read or
/// wrote (none means "insert only"), a clear deletes only the version the grain knows. A mismatch is Orleans'
/// <see cref="InconsistentStateException"/>, so when two activations of one grain race (possible during membership
/// changes) exactly one write wins. Values never expire, whatever TTL the store applies by default.</para>
/// </remarks>
public sealed partial class StateStoreGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan NoExpiry = TimeSpan.FromSeconds(-1);

    private readonly StateStoreGrainStorageOptions _options;
    private readonly ComponentCatalog _catalog;
    private readonly IActivatorProvider _activators;
    private readonly ILogger<StateStoreGrainStorage> _logger;
    private readonly string _keyPrefix;
    private IStateStore? _store;

    public StateStoreGrainStorage(
        string name,
        StateStoreGrainStorageOptions options,
        ComponentCatalog catalog,
        IOptions<ClusterOptions> cluster,
        IActivatorProvider activators,
        ILogger<StateStoreGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        Name = name;
        _options = options;
        _catalog = catalog;
        _activators = activators;
        _logger = logger;
        _keyPrefix = string.IsNullOrEmpty(options.KeyPrefix) ? cluster.Value.ServiceId : options.KeyPrefix;
    }

    /// <summary>Factory for <c>AddGrainStorage</c>: reads the named <see cref="StateStoreGrainStorageOptions"/>.</summary>
    public static StateStoreGrainStorage Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptionsMonitor<StateStoreGrainStorageOptions>>().Get(name);
        return ActivatorUtilities.CreateInstance<StateStoreGrainStorage>(services, name, options);
    }

    /// <summary>The Orleans storage name ("Default", or a component name).</summary>
    public string Name { get; }

    /// <summary>The component behind it, if any.</summary>
    public ComponentDefinition? Component => _options.Component;

    /// <summary>The store key of one grain state.</summary>
    public string KeyOf(string stateName, GrainId grainId) => GrainStateKey.For(_keyPrefix, grainId, stateName);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(stateName, grainId);
        var stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            grainState.State = CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(stored.Value, _options.JsonSerializerOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                $"Grain state '{key}' in state store '{store.Name}' cannot be read as {typeof(T).Name}: {e.Message}", e);
        }
        grainState.State = value ?? CreateInstance<T>();
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(stateName, grainId);
        var json = JsonSerializer.SerializeToUtf8Bytes(grainState.State, _options.JsonSerializerOptions);
        // FirstWrite: without an ETag the write only inserts; with one, the stored ETag must match.
        var write = new StateWrite(key, json, grainState.ETag, StateConcurrency.FirstWrite, NoExpiry, "application/json");
        string etag;
        try
        {
            etag = await store.SetAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ETagMismatchException or ETagInvalidException)
        {
            throw await ConflictAsync("WriteState", store, key, grainState.ETag, e, cancellationToken).ConfigureAwait(false);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(stateName, grainId);
        var etag = grainState.ETag;
        if (etag is null)
        {
            // The grain never saw a stored version: clear whatever is there now (as Orleans' ADO.NET storage does).
            var current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            etag = current?.ETag;
        }
        if (etag is not null)
        {
            try
            {
                await store.DeleteAsync(new StateDelete(key, etag, StateConcurrency.FirstWrite), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ETagMismatchException or ETagInvalidException)
            {
                throw await ConflictAsync("ClearState", store, key, grainState.ETag, e, cancellationToken).ConfigureAwait(false);
            }
        }
        grainState.State = CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe($"{nameof(StateStoreGrainStorage)}-{Name}", ServiceLifecycleStage.ApplicationServices, InitAsync);
    }

    /// <summary>Connects the store when the silo starts, so a broken store stops start-up (unless it says ignoreErrors).</summary>
    private async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_options.Component is not { } component) return;
        try
        {
            await StoreAsync(cancellationToken).ConfigureAwait(false);
            LogReady(Name, component.Name, component.Type);
        }
        catch (Exception e) when ((component.IgnoreErrors || !_options.RequiredAtStart) && e is not OperationCanceledException)
        {
            LogInitFailed(Name, component.Name, e.Message);
        }
    }

    private async ValueTask<IStateStore> StoreAsync(CancellationToken cancellationToken)
    {
        if (_store is { } ready) return ready;
        var component = _options.Component ?? throw new InvalidOperationException(
            $"Grain storage '{Name}' has no state store: {_options.MissingComponentReason ?? "no component was given"}. " +
            "Mark a state store component with actorStateStore: \"true\", or choose another grain storage (Storage = postgresql, redis or memory).");
        var store = _catalog.AddStateStore(component);
        try
        {
            await _catalog.InitializeAsync(component, cancellationToken).WaitAsync(component.InitTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException(
                $"State store '{component.Name}' ({component.Type}) did not initialize within initTimeout {component.InitTimeout.TotalSeconds:0.###}s", e);
        }
        _store = store;
        return store;
    }

    private async Task<InconsistentStateException> ConflictAsync(string operation, IStateStore store, string key, string? grainETag, Exception cause, CancellationToken cancellationToken)
    {
        string? storedETag;
        try
        {
            storedETag = (await store.GetAsync(key, cancellationToken).ConfigureAwait(false))?.ETag;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            storedETag = "unknown";
        }
        return new InconsistentStateException(
            $"Version conflict ({operation}): storage {Name}, state store {store.Name}, key {key}, grain ETag {grainETag ?? "none"}, stored ETag {storedETag ?? "none"}.",
            storedETag, grainETag, cause);
    }

    private T CreateInstance<T>()
    {
        try
        {
            return _activators.GetActivator<T>().Create();
        }
        catch (Exception e) when (e is InvalidOperationException or MissingMethodException or NotSupportedException or ArgumentException)
        {
            return default!;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Storage} uses state store {Component} ({Type})")]
    private partial void LogReady(string storage, string component, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Storage}: state store {Component} failed to initialize (retried on first use): {Error}")]
    private partial void LogInitFailed(string storage, string component, string error);
}
