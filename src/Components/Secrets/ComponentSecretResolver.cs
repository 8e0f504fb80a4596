using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Secrets;

/// <summary>
/// Fills every <c>secretKeyRef</c> of a set of component definitions from the secret store each names in
/// <c>auth.secretStore</c>, before any component is built: the one step every loading path runs
/// (<see cref="Loading.ResourceLoader.Load"/>, and components given in code to a silo).
/// </summary>
/// <remarks>
/// Secret stores are resolved first, in dependency order, so a store may take its own credentials from another store;
/// a cycle is an error naming both. Like daprd in self-hosted mode there is no default store: a reference without
/// <c>auth.secretStore</c> cannot be resolved. Unlike daprd, which logs and starts the component with an empty value,
/// an unresolvable secret stops start-up, naming file, component, field and secret (never a value). Secret scopes of
/// the Configuration do not apply here (as in daprd: they limit the app, not the component files).
/// </remarks>
public static class ComponentSecretResolver
{
    public const string Category = "secretstores";

    /// <summary>The definitions with every secret resolved (the same list when none references a secret).</summary>
    public static IReadOnlyList<ComponentDefinition> Resolve(IReadOnlyList<ComponentDefinition> definitions, ComponentTypes? types = null, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (!definitions.Any(NeedsSecrets)) return definitions;
        var run = new Run(definitions, types ?? ComponentTypes.BuiltIn, services);
        try
        {
            for (var i = 0; i < definitions.Count; i++) run.ResolveAt(i);
            return run.Result;
        }
        finally
        {
            run.Dispose();
        }
    }

    private static bool NeedsSecrets(ComponentDefinition d) => d.Metadata.Values.Any(v => v.SecretKeyRef is not null && v.Value is null);

    private sealed class Run(IReadOnlyList<ComponentDefinition> definitions, ComponentTypes types, IServiceProvider? services) : IDisposable
    {
        private enum Mark { None, Visiting, Done }

        public readonly ComponentDefinition[] Result = [.. definitions];
        private readonly Mark[] _marks = new Mark[definitions.Count];
        private readonly Dictionary<int, ISecretStore> _stores = [];

        public void ResolveAt(int i)
        {
            if (_marks[i] == Mark.Done) return;
            _marks[i] = Mark.Visiting;
            var d = Result[i];
            if (NeedsSecrets(d))
            {
                var (storeIndex, storeName) = FindStore(i, d);
                if (_marks[storeIndex] == Mark.Visiting)
                {
                    var store = Result[storeIndex];
                    throw new ComponentConfigurationException(d.SourceFile, d.Name, "auth.secretStore",
                        storeIndex == i
                            ? $"secret store '{d.Name}' takes its secrets from itself"
                            : $"component '{d.Name}' takes secrets from secret store '{store.Name}', which takes its own secrets (directly or through other stores) from '{d.Name}': a cycle ('{store.Name}' is in '{store.SourceFile}')");
                }
                ResolveAt(storeIndex);
                var secrets = Store(storeIndex);
                var metadata = new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase);
                foreach (var (field, value) in d.Metadata)
                    metadata[field] = value.SecretKeyRef is { } reference && value.Value is null
                        ? value with { Value = Fetch(d, field, reference, storeName, secrets, Result[storeIndex]) }
                        : value;
                Result[i] = d.WithMetadata(metadata);
            }
            _marks[i] = Mark.Done;
        }

        private (int Index, string Name) FindStore(int i, ComponentDefinition d)
        {
            var field = d.Metadata.First(kv => kv.Value.SecretKeyRef is not null && kv.Value.Value is null);
            if (d.AuthSecretStore is not { } name)
                throw new ComponentConfigurationException(d.SourceFile, d.Name, field.Key,
                    $"references secret '{field.Value.SecretKeyRef!.Name}' but the component has no 'auth.secretStore' (outside Kubernetes there is no default secret store)");
            var index = -1;
            for (var j = 0; j < Result.Length; j++)
            {
                var s = Result[j];
                if (s.Category != Category || !string.Equals(s.Name, name, StringComparison.Ordinal) || !ScopesOverlap(s, d)) continue;
                index = j;
                break;
            }
            if (index < 0)
                throw new ComponentConfigurationException(d.SourceFile, d.Name, "auth.secretStore",
                    $"secret store '{name}' (needed for secret '{field.Value.SecretKeyRef!.Name}' of field '{field.Key}') is not loaded for this app; " +
                    "define a 'secretstores.*' component of that name in the resources path");
            return (index, name);
        }

        private ISecretStore Store(int index)
        {
            if (_stores.TryGetValue(index, out var existing)) return existing;
            var definition = Result[index];
            var store = (ISecretStore)types.Create(definition, services);
            _stores[index] = store;
            using var timeout = new CancellationTokenSource(definition.InitTimeout);
            try
            {
                // Loading is synchronous and runs before any host starts, so there is no context to deadlock.
                store.InitAsync(timeout.Token).WaitAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (ComponentConfigurationException)
            {
                throw;
            }
            catch (Exception e)
            {
                var problem = e is OperationCanceledException
                    ? $"initialization did not finish within initTimeout {definition.InitTimeout.TotalSeconds:0.###}s"
                    : $"initialization failed: {e.Message}";
                throw new ComponentConfigurationException(definition.SourceFile, definition.Name, null, definition.RedactSecrets(problem) + " (it is needed to resolve other components' secrets)");
            }
            return store;
        }

        private static string Fetch(ComponentDefinition d, string field, SecretKeyRef reference, string storeName, ISecretStore store, ComponentDefinition storeDefinition)
        {
            var key = reference.Key ?? reference.Name;
            var what = $"secret '{reference.Name}'" + (reference.Key is null ? "" : $" key '{reference.Key}'") + $" from secret store '{storeName}'";
            IReadOnlyDictionary<string, string> secret;
            var timeout = storeDefinition.InitTimeout;
            using var cts = new CancellationTokenSource(timeout < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : timeout);
            try
            {
                secret = store.GetSecretAsync(reference.Name, new Dictionary<string, string>(), cts.Token).WaitAsync(cts.Token).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                var problem = e is OperationCanceledException ? "timed out" : storeDefinition.RedactSecrets(e.Message);
                throw new ComponentConfigurationException(d.SourceFile, d.Name, field, $"cannot read {what}: {problem}");
            }
            if (!secret.TryGetValue(key, out var value) || string.IsNullOrEmpty(value))
                throw new ComponentConfigurationException(d.SourceFile, d.Name, field,
                    $"{what} has no value" + (secret.Count > 0 && !secret.ContainsKey(key) ? $" for key '{key}'" : ""));
            return value;
        }

        // Across apps (a silo's view) two stores may share a name for disjoint scopes: take the one this component can see.
        private static bool ScopesOverlap(ComponentDefinition a, ComponentDefinition b) =>
            a.Scopes.Count == 0 || b.Scopes.Count == 0 || a.Scopes.Intersect(b.Scopes, StringComparer.Ordinal).Any();

        public void Dispose()
        {
            foreach (var s in _stores.Values) s.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
