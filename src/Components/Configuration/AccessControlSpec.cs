namespace ActorRuntime.Components.Configuration;

/// <summary>What a matched access-control rule does with the call.</summary>
public enum AccessAction
{
    Allow,
    Deny,
}

/// <summary>
/// <c>spec.accessControl</c> of a Dapr Configuration, as written (defaults not yet applied) so that
/// <see cref="AccessControlPolicy.From"/> can apply Dapr's "absent means deny when policies exist" rule.
/// </summary>
/// <param name="DefaultAction">Global default, or null when the YAML leaves it out.</param>
/// <param name="TrustDomain">This app's trust domain; "public" when not given (Dapr's default).</param>
/// <param name="Policies">Per-caller policies, in file order.</param>
public sealed record AccessControlSpec(
    AccessAction? DefaultAction,
    string TrustDomain,
    IReadOnlyList<AccessControlAppPolicy> Policies);

/// <summary>One entry of <c>spec.accessControl.policies</c>: the rules for calls coming from one app.</summary>
/// <param name="AppId">The calling app's id (Dapr's <c>appId</c>).</param>
/// <param name="DefaultAction">Action when no operation matches; null falls back to the global default.</param>
/// <param name="TrustDomain">Caller trust domain the policy applies to; "public" by default.</param>
/// <param name="Namespace">Caller namespace the policy applies to; "default" by default.</param>
/// <param name="Operations">Operation rules, in file order.</param>
public sealed record AccessControlAppPolicy(
    string AppId,
    AccessAction? DefaultAction,
    string TrustDomain,
    string Namespace,
    IReadOnlyList<AccessControlOperation> Operations);

/// <summary>One entry of a policy's <c>operations</c>.</summary>
/// <param name="Name">Normalised path pattern (leading '/', no empty or dot segments); may hold <c>*</c> and a final <c>**</c>.</param>
/// <param name="HttpVerbs">Upper-case verbs, or <c>*</c> for any. Empty means the rule only applies to non-HTTP (gRPC) calls, as in Dapr.</param>
/// <param name="Action">What the rule does.</param>
public sealed record AccessControlOperation(string Name, IReadOnlyList<string> HttpVerbs, AccessAction Action);
