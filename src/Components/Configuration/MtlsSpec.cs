namespace ActorRuntime.Components.Configuration;

/// <summary><c>spec.mtls</c> of a Configuration as written: each field null when absent (the command's default applies).</summary>
public sealed record MtlsSpec(bool? Enabled, TimeSpan? WorkloadCertTtl, TimeSpan? AllowedClockSkew);
