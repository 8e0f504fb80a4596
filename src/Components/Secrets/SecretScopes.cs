using ActorRuntime.Components.Configuration;

namespace ActorRuntime.Components.Secrets;

/// <summary>
/// The Configuration's <c>spec.secrets.scopes</c> applied to the secrets API, with daprd's rule: a non-empty
/// <c>allowedSecrets</c> is the whole answer; otherwise a name in <c>deniedSecrets</c> is refused; otherwise
/// <c>defaultAccess</c> decides (allow when not given). A store with no scope entry is fully readable.
/// </summary>
public sealed class SecretScopes(IReadOnlyList<SecretScope> scopes)
{
    public static SecretScopes AllowAll { get; } = new([]);

    public bool IsAllowed(string store, string secret)
    {
        var scope = scopes.FirstOrDefault(s => string.Equals(s.StoreName, store, StringComparison.Ordinal));
        if (scope is null) return true;
        if (scope.AllowedSecrets.Count > 0) return scope.AllowedSecrets.Contains(secret, StringComparer.Ordinal);
        if (scope.DeniedSecrets.Contains(secret, StringComparer.Ordinal)) return false;
        return scope.DefaultAccess == AccessAction.Allow;
    }
}
