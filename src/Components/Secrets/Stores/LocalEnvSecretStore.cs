using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Secrets.Stores;

/// <summary>
/// <c>secretstores.local.env</c>: environment variables of this process, as Dapr's component reads them. A secret
/// named <c>X</c> is the variable <c>{prefix}X</c> and comes back as <c>{"X": value}</c> (empty when unset, as in Dapr);
/// the runtime's own variables (<c>DAPR_*</c>, <c>APP_API_TOKEN</c>) are never returned. The prefix match is
/// case-sensitive except on Windows, where variable names are case-insensitive.
/// </summary>
public sealed class LocalEnvSecretStore : ISecretStore
{
    private readonly string _prefix;

    public LocalEnvSecretStore(ComponentDefinition definition)
    {
        _prefix = definition.GetMetadata().GetString("prefix") ?? "";
    }

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var variable = _prefix + name;
        var value = IsAllowed(variable) ? Environment.GetEnvironmentVariable(variable) ?? "" : "";
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { [name] = value });
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var variable = (string)e.Key;
            if (variable.Length <= _prefix.Length || !variable.StartsWith(_prefix, comparison) || !IsAllowed(variable)) continue;
            var name = variable[_prefix.Length..];
            result[name] = new Dictionary<string, string> { [name] = (string?)e.Value ?? "" };
        }
        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(result);
    }

    // The sidecar's own settings are not the app's secrets.
    private static bool IsAllowed(string variable) =>
        !variable.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) && !variable.Equals("APP_API_TOKEN", StringComparison.OrdinalIgnoreCase);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
