namespace ActorRuntime.Components.State;

/// <summary>
/// A Dapr state store. Keys arrive fully prefixed (<c>appid||key</c>); the store knows nothing of apps.
/// Every method that returns has made its change durable in the backing store.
/// Conflicts surface as <see cref="ETagMismatchException"/> and bad ETags as <see cref="ETagInvalidException"/>.
/// </summary>
public interface IStateStore : Model.IComponent
{
    string Name { get; }
    /// <summary>Dapr component type, e.g. <c>state.redis</c>.</summary>
    string Type { get; }
    StateStoreFeatures Features { get; }
    /// <summary>Largest transaction accepted; <see cref="int.MaxValue"/> when unbounded.</summary>
    int MaxTransactionOperations => int.MaxValue;

    IReadOnlyList<string> Model.IComponent.Capabilities => Features.ToDaprNames();

    Task<StoredState?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes the value and returns its new ETag.</summary>
    Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken);

    Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken);

    /// <summary>Applies all operations in order, atomically: all or none.</summary>
    Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken);

    /// <summary>Every live (unexpired) entry whose key starts with <paramref name="keyPrefix"/>; used by the Query API.</summary>
    IAsyncEnumerable<KeyValuePair<string, StoredState>> ScanAsync(string keyPrefix, CancellationToken cancellationToken);
}

/// <summary>A store that applies its own TTL (component metadata) to writes that name none.</summary>
public interface IStateStoreWithDefaultTtl
{
    bool HasDefaultTtl { get; }
}
