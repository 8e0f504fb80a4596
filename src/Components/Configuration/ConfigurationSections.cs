namespace ActorRuntime.Components.Configuration;

/// <summary>One <c>spec.features</c> entry (Dapr preview-feature flag).</summary>
public sealed record FeatureFlag(string Name, bool Enabled);

/// <summary>One handler of <c>spec.httpPipeline</c> or <c>spec.appHttpPipeline</c>: kept so startup can refuse or log middleware it does not run.</summary>
public sealed record PipelineHandler(string Name, string Type);

/// <summary>
/// One entry of <c>spec.api.allowed</c> / <c>spec.api.denied</c>: a Dapr API (e.g. <c>state</c>, <c>v1</c>).
/// <paramref name="Protocol"/> is "http", "grpc" or null for both.
/// </summary>
public sealed record ApiAccessRule(string Name, string? Version, string? Protocol);

/// <summary>
/// One entry of <c>spec.secrets.scopes</c>: which secrets of a store the app may read.
/// Dapr semantics (see <c>Secrets.SecretScopes</c>): a non-empty <c>allowedSecrets</c> is the whole answer, then <c>deniedSecrets</c>, otherwise
/// <c>defaultAccess</c> decides (allow when not given).
/// </summary>
public sealed record SecretScope(
    string StoreName,
    AccessAction DefaultAccess,
    IReadOnlyList<string> AllowedSecrets,
    IReadOnlyList<string> DeniedSecrets);
