namespace ActorRuntime.Components.Configuration;

/// <summary>Outcome of <see cref="AccessControlPolicy.Check"/>; <see cref="Reason"/> says which rule decided, for logs and the 403 body.</summary>
public sealed record AccessDecision(bool Allowed, string Reason);
