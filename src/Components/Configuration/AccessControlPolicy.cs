namespace ActorRuntime.Components.Configuration;

/// <summary>
/// Dapr service-invocation access control, enforced on the callee side for each incoming call.
/// </summary>
/// <remarks>
/// Rules (Dapr docs "Apply access control list configuration for service invocation" and daprd <c>pkg/acl</c>):
/// <list type="bullet">
/// <item>No <c>accessControl</c> (or one with no default and no policies): everything is allowed.</item>
/// <item>Policies but no global <c>defaultAction</c>: the global default is deny.</item>
/// <item>The caller's policy is found by app id and namespace (default "default"); its trust domain (default
/// "public") must match too, otherwise the global default applies. An unknown caller gets the global default.</item>
/// <item>Within the policy, the most specific operation rule whose path and verb both match decides; else the
/// policy's <c>defaultAction</c>; else the global default. Verbs: exact or <c>*</c>; a call without a verb (gRPC)
/// matches any rule, since Dapr ignores <c>httpVerb</c> for gRPC.</item>
/// <item>Operation names are compared ignoring case by default because daprd lower-cases both sides for apps that
/// speak HTTP; pass <c>ignoreOperationCase: false</c> for gRPC apps, where daprd compares exactly.</item>
/// </list>
/// Deliberate difference: daprd's trie stops at the most specific path even when the verb is not listed there
/// (falling to the policy default); here a rule only matches when its verb does, so a broader rule such as
/// <c>/admin/**</c> deny still covers <c>POST /admin/x</c> when <c>/admin/x</c> only allows GET.
/// </remarks>
public sealed class AccessControlPolicy
{
    private const string DefaultNamespace = "default";
    private const string DefaultTrustDomain = "public";

    private readonly AccessAction _globalDefault;
    private readonly Dictionary<(string AppId, string Namespace), CompiledPolicy>? _policies;
    private readonly StringComparison _comparison;

    /// <summary>Allows every call: used when the configuration has no access control.</summary>
    public static AccessControlPolicy AllowAll { get; } = new(AccessAction.Allow, null, StringComparison.Ordinal);

    private AccessControlPolicy(AccessAction globalDefault, Dictionary<(string, string), CompiledPolicy>? policies, StringComparison comparison)
    {
        _globalDefault = globalDefault;
        _policies = policies;
        _comparison = comparison;
    }

    /// <summary>Builds the evaluator; <paramref name="spec"/> is assumed validated by <see cref="RuntimeConfigurationLoader"/>.</summary>
    public static AccessControlPolicy From(AccessControlSpec? spec, bool ignoreOperationCase = true)
    {
        if (spec is null || (spec.DefaultAction is null && spec.Policies.Count == 0)) return AllowAll;
        var comparison = ignoreOperationCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var policies = new Dictionary<(string, string), CompiledPolicy>();
        foreach (var p in spec.Policies)
        {
            var ns = string.IsNullOrEmpty(p.Namespace) ? DefaultNamespace : p.Namespace;
            var td = string.IsNullOrEmpty(p.TrustDomain) ? DefaultTrustDomain : p.TrustDomain;
            var ops = p.Operations.Select(o => new CompiledOperation(o, OperationPattern.Compile(o.Name))).ToArray();
            policies[(p.AppId, ns)] = new CompiledPolicy(p.AppId, ns, td, p.DefaultAction, ops);
        }
        return new AccessControlPolicy(spec.DefaultAction ?? AccessAction.Deny, policies, comparison);
    }

    /// <summary>Decides one incoming call.</summary>
    /// <param name="callerAppId">The calling app's id; empty means unknown (global default applies).</param>
    /// <param name="callerNamespace">Caller namespace; null/empty means "default".</param>
    /// <param name="callerTrustDomain">Caller trust domain; null/empty means "public".</param>
    /// <param name="httpVerb">HTTP method, or "" for gRPC callers.</param>
    /// <param name="operation">The invoked method path as received (it is normalised here).</param>
    public AccessDecision Check(string callerAppId, string? callerNamespace, string? callerTrustDomain, string httpVerb, string operation)
    {
        if (_policies is null) return new(true, "allowed: no access control policy is configured");
        if (!OperationPath.TryNormalize(operation, out var path))
            return new(false, $"denied: operation '{operation}' is not a valid path (bad percent-encoding)");

        if (string.IsNullOrEmpty(callerAppId))
            return Global($"the caller's app id is unknown (operation '{path}')");
        var ns = string.IsNullOrEmpty(callerNamespace) ? DefaultNamespace : callerNamespace;
        var td = string.IsNullOrEmpty(callerTrustDomain) ? DefaultTrustDomain : callerTrustDomain;

        if (!_policies.TryGetValue((callerAppId, ns), out var policy))
            return Global($"no policy for app '{callerAppId}' in namespace '{ns}'");
        if (!string.Equals(policy.TrustDomain, td, StringComparison.Ordinal))
            return Global($"app '{callerAppId}' comes from trust domain '{td}', the policy is for '{policy.TrustDomain}'");

        var verb = (httpVerb ?? "").Trim().ToUpperInvariant();
        var segments = OperationPath.Resolve(path);
        CompiledOperation? best = null;
        foreach (var op in policy.Operations)
        {
            if (!VerbMatches(op.Spec.HttpVerbs, verb) || !op.Pattern.Matches(segments, _comparison)) continue;
            if (best is null || op.Pattern.CompareSpecificity(best.Pattern) > 0) best = op;
        }

        var verbText = verb.Length == 0 ? "(no verb)" : verb;
        if (best is not null)
            return Decide(best.Spec.Action,
                $"operation rule '{best.Spec.Name}' of the policy for app '{callerAppId}' ({verbText} {path})");
        if (policy.DefaultAction is { } appDefault)
            return Decide(appDefault, $"default action of the policy for app '{callerAppId}' ({verbText} {path})");
        return Global($"no operation of the policy for app '{callerAppId}' matches {verbText} {path} and it has no default action");
    }

    private AccessDecision Global(string why) => Decide(_globalDefault, $"global default action: {why}");

    private static AccessDecision Decide(AccessAction action, string why) =>
        new(action == AccessAction.Allow, (action == AccessAction.Allow ? "allowed by " : "denied by ") + why);

    private static bool VerbMatches(IReadOnlyList<string> verbs, string verb)
    {
        if (verb.Length == 0) return true;
        foreach (var v in verbs)
            if (v == "*" || v == verb) return true;
        return false;
    }

    private sealed record CompiledOperation(AccessControlOperation Spec, OperationPattern Pattern);

    private sealed record CompiledPolicy(string AppId, string Namespace, string TrustDomain, AccessAction? DefaultAction, CompiledOperation[] Operations);
}
