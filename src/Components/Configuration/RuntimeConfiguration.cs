namespace ActorRuntime.Components.Configuration;

/// <summary>
/// The Dapr <c>kind: Configuration</c> resource passed with <c>--config</c>, reduced to the parts this runtime
/// acts on or must at least recognise. Built by <see cref="RuntimeConfigurationLoader"/>; values are validated there.
/// </summary>
public sealed record RuntimeConfiguration
{
    /// <summary>No <c>--config</c>: everything allowed, no features, no pipelines (daprd's built-in default).</summary>
    public static RuntimeConfiguration Default { get; } = new();

    /// <summary><c>metadata.name</c>, or null.</summary>
    public string? Name { get; init; }

    /// <summary>File the configuration came from, or null for <see cref="Default"/>.</summary>
    public string? SourceFile { get; init; }

    /// <summary><c>spec.accessControl</c>, or null when absent (then every caller is allowed).</summary>
    public AccessControlSpec? AccessControl { get; init; }

    /// <summary><c>spec.mtls</c>, or null when absent.</summary>
    public MtlsSpec? Mtls { get; init; }

    public IReadOnlyList<FeatureFlag> Features { get; init; } = [];

    /// <summary><c>spec.tracing.samplingRate</c> as written (a number between 0 and 1), or null.</summary>
    public string? TracingSamplingRate { get; init; }

    /// <summary><c>spec.tracing</c>, or null when absent (no spans exported).</summary>
    public TracingSpec? Tracing { get; init; }

    public IReadOnlyList<PipelineHandler> HttpPipeline { get; init; } = [];

    public IReadOnlyList<PipelineHandler> AppHttpPipeline { get; init; } = [];

    /// <summary><c>spec.api.allowed</c>; empty means every API is allowed (unless denied).</summary>
    public IReadOnlyList<ApiAccessRule> ApiAllowed { get; init; } = [];

    public IReadOnlyList<ApiAccessRule> ApiDenied { get; init; } = [];

    public IReadOnlyList<SecretScope> SecretScopes { get; init; } = [];

    /// <summary><c>spec.metrics</c>, or daprd's defaults when absent.</summary>
    public MetricsSpec Metrics { get; init; } = MetricsSpec.Default;

    /// <summary>True when <c>spec.features</c> enables <paramref name="name"/> (exact, case-sensitive, like daprd).</summary>
    public bool IsFeatureEnabled(string name)
    {
        foreach (var f in Features)
            if (string.Equals(f.Name, name, StringComparison.Ordinal)) return f.Enabled;
        return false;
    }

    /// <summary>The access-control evaluator for this configuration.</summary>
    public AccessControlPolicy CreateAccessControlPolicy(bool ignoreOperationCase = true) =>
        AccessControlPolicy.From(AccessControl, ignoreOperationCase);
}
