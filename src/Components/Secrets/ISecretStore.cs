using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Secrets;

/// <summary>
/// A Dapr secret store (<c>secretstores.*</c>). Read-only: a secret is a map of keys to values (a name/value store
/// returns <c>{name: value}</c>). Served by the gateway of the app that defines it, and read at load time to resolve
/// other components' <c>secretKeyRef</c> entries.
/// </summary>
public interface ISecretStore : IComponent
{
    /// <summary>The secret <paramref name="name"/>; throws <see cref="SecretNotFoundException"/> when the store has no such secret.</summary>
    /// <param name="metadata">Request metadata (<c>metadata.*</c> query parameters, e.g. <c>version_id</c>).</param>
    Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Every secret of the store, by name.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}
