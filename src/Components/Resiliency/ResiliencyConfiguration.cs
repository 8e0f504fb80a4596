using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The Resiliency documents of one app merged into one set of policies and targets, with every reference checked.
/// </summary>
/// <remarks>
/// Merging follows daprd, which applies documents one after the other into shared maps: a policy or target name
/// defined again in a later document (file order, then document order) replaces the earlier one. Unlike daprd, which
/// checks references per document as it goes (so a target can only use policies loaded before it), references are
/// checked once against the merged policies, so the order of files does not matter for them; an unknown name is an
/// error naming the file, resource and field of the target.
/// </remarks>
public sealed class ResiliencyConfiguration
{
    public static ResiliencyConfiguration Empty { get; } = Merge([]);

    private ResiliencyConfiguration() { }

    public IReadOnlyDictionary<string, TimeSpan> Timeouts { get; private init; } = null!;
    public IReadOnlyDictionary<string, RetryPolicyDefinition> Retries { get; private init; } = null!;
    public IReadOnlyDictionary<string, CircuitBreakerDefinition> CircuitBreakers { get; private init; } = null!;
    public IReadOnlyDictionary<string, PolicyReferences> Apps { get; private init; } = null!;
    public IReadOnlyDictionary<string, ActorTarget> Actors { get; private init; } = null!;
    public IReadOnlyDictionary<string, ComponentTarget> Components { get; private init; } = null!;

    /// <summary>True when no policy is defined at all: every target gets the no-op policy.</summary>
    public bool IsEmpty => Timeouts.Count == 0 && Retries.Count == 0 && CircuitBreakers.Count == 0;

    /// <summary>Merges documents already filtered by scope, later ones winning, and validates every reference.</summary>
    public static ResiliencyConfiguration Merge(IEnumerable<ResiliencyDocument> documents)
    {
        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var retries = new Dictionary<string, RetryPolicyDefinition>(StringComparer.Ordinal);
        var breakers = new Dictionary<string, CircuitBreakerDefinition>(StringComparer.Ordinal);
        var apps = new Dictionary<string, PolicyReferences>(StringComparer.Ordinal);
        var actors = new Dictionary<string, ActorTarget>(StringComparer.Ordinal);
        var components = new Dictionary<string, ComponentTarget>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            foreach (var (k, v) in doc.Timeouts) timeouts[k] = v;
            foreach (var (k, v) in doc.Retries) retries[k] = v;
            foreach (var (k, v) in doc.CircuitBreakers) breakers[k] = v;
            foreach (var (k, v) in doc.Apps) apps[k] = v;
            foreach (var (k, v) in doc.Actors) actors[k] = v;
            foreach (var (k, v) in doc.Components) components[k] = v;
        }

        var config = new ResiliencyConfiguration
        {
            Timeouts = timeouts,
            Retries = retries,
            CircuitBreakers = breakers,
            Apps = apps,
            Actors = actors,
            Components = components,
        };
        foreach (var refs in apps.Values) config.Check(refs);
        foreach (var actor in actors.Values) config.Check(actor.Policies);
        foreach (var component in components.Values)
        {
            if (component.Outbound is not null) config.Check(component.Outbound);
            if (component.Inbound is not null) config.Check(component.Inbound);
        }
        return config;
    }

    /// <summary>
    /// The policies for a target: each kind comes from the target's named reference if it has one, otherwise
    /// from the first reserved default name (most specific first) that is defined.
    /// </summary>
    public ResolvedPolicies Resolve(string target, PolicyReferences? named, Func<string, string[]> defaultNames)
    {
        TimeSpan? timeout = null;
        if (named?.Timeout is { } t) timeout = Timeouts[t];
        else if (First(Timeouts, defaultNames(DefaultPolicyNames.Timeout)) is { } dt) timeout = Timeouts[dt];

        var retry = named?.Retry is { } r ? Retries[r]
            : First(Retries, defaultNames(DefaultPolicyNames.Retry)) is { } dr ? Retries[dr] : null;
        var breaker = named?.CircuitBreaker is { } c ? CircuitBreakers[c]
            : First(CircuitBreakers, defaultNames(DefaultPolicyNames.CircuitBreaker)) is { } dc ? CircuitBreakers[dc] : null;
        return new ResolvedPolicies(target, timeout, retry, breaker);
    }

    private static string? First<T>(IReadOnlyDictionary<string, T> defined, string[] names)
    {
        foreach (var name in names)
            if (defined.ContainsKey(name)) return name;
        return null;
    }

    private void Check(PolicyReferences refs)
    {
        CheckOne(refs, refs.Timeout, "timeout", Timeouts.Keys, "spec.policies.timeouts");
        CheckOne(refs, refs.Retry, "retry", Retries.Keys, "spec.policies.retries");
        CheckOne(refs, refs.CircuitBreaker, "circuitBreaker", CircuitBreakers.Keys, "spec.policies.circuitBreakers");
    }

    private static void CheckOne(PolicyReferences refs, string? name, string key, IEnumerable<string> defined, string section)
    {
        if (name is null || defined.Contains(name, StringComparer.Ordinal)) return;
        var known = string.Join(", ", defined.Order(StringComparer.Ordinal));
        throw new ComponentConfigurationException(refs.Source.File, refs.Source.ResourceName, $"{refs.Source.Field}.{key}",
            $"refers to unknown policy '{name}'; {section} defines: {(known.Length == 0 ? "none" : known)}");
    }
}
