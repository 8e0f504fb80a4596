using ActorRuntime.Components;
using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Secrets;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.Secrets;

/// <summary>
/// The secrets building block, shared by the HTTP and gRPC surfaces. Secret stores are served from this process (no
/// grain): they are read-only and belong to the app, so there is nothing to coordinate across the cluster. Errors
/// come out as <see cref="DaprApiException"/> and never carry a secret value.
/// </summary>
public sealed class SecretsService(ComponentRegistry components, RuntimeConfiguration configuration, Observability.GatewayMetrics metrics)
{
    private readonly SecretScopes _scopes = new(configuration.SecretScopes);

    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string store, string name, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var secrets = Store(store);
        if (!_scopes.IsAllowed(store, name)) throw DaprErrors.SecretPermissionDenied(name, store).ToException();
        try
        {
            return await metrics.Secret(store, Components.Observability.ComponentMetrics.Operations.Get, secrets.GetSecretAsync(name, metadata, ct));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DaprErrors.SecretGet(name, store, ex.Message).ToException();
        }
    }

    /// <summary>Every secret the scopes let the app read; the others are left out silently, as daprd does.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(string store, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var secrets = Store(store);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> all;
        try
        {
            all = await metrics.Secret(store, Components.Observability.ComponentMetrics.Operations.BulkGet, secrets.GetBulkSecretAsync(metadata, ct));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DaprErrors.BulkSecretGet(store, ex.Message).ToException();
        }
        return all.Where(kv => _scopes.IsAllowed(store, kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    private ISecretStore Store(string store)
    {
        if (components.Count(ComponentSecretResolver.Category) == 0) throw DaprErrors.SecretStoresNotConfigured().ToException();
        if (!components.TryGet<ISecretStore>(ComponentSecretResolver.Category, store, out var secrets))
            throw DaprErrors.SecretStoreNotFound(store).ToException();
        return secrets;
    }
}
