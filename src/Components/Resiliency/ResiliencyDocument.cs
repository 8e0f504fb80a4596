namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// One parsed <c>kind: Resiliency</c> resource, syntax-checked but with its policy references not yet resolved:
/// a target may name a policy defined in another Resiliency resource, so references are checked after merging
/// (see <see cref="ResiliencyConfiguration"/>).
/// </summary>
public sealed record ResiliencyDocument(
    string File,
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyDictionary<string, TimeSpan> Timeouts,
    IReadOnlyDictionary<string, RetryPolicyDefinition> Retries,
    IReadOnlyDictionary<string, CircuitBreakerDefinition> CircuitBreakers,
    IReadOnlyDictionary<string, PolicyReferences> Apps,
    IReadOnlyDictionary<string, ActorTarget> Actors,
    IReadOnlyDictionary<string, ComponentTarget> Components)
{
    /// <summary>Dapr's rule: no scopes means every app; otherwise only the listed app ids.</summary>
    public bool AppliesTo(string appId) =>
        Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}
