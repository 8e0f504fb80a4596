using System.ComponentModel.DataAnnotations;

namespace ActorRuntime.Security;

/// <summary>
/// Configuration <c>spec.mtls</c> (Dapr's fields: <c>enabled</c>, <c>workloadCertTTL</c>, <c>allowedClockSkew</c>) and
/// where this process finds its CA.
/// </summary>
public sealed class MtlsSettings : IValidatableObject
{
    public static readonly TimeSpan DefaultWorkloadCertTtl = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultAllowedClockSkew = TimeSpan.FromMinutes(15);

    public bool Enabled { get; set; }

    public TimeSpan WorkloadCertTtl { get; set; } = DefaultWorkloadCertTtl;

    public TimeSpan AllowedClockSkew { get; set; } = DefaultAllowedClockSkew;

    /// <summary>The CA folder (<c>{home}/ca</c> unless <c>--issuer-*</c> files were given elsewhere).</summary>
    [Required]
    public string? CaFolder { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WorkloadCertTtl < TimeSpan.FromSeconds(10))
            yield return new ValidationResult("spec.mtls.workloadCertTTL must be at least 10s", [nameof(WorkloadCertTtl)]);
        if (AllowedClockSkew < TimeSpan.Zero)
            yield return new ValidationResult("spec.mtls.allowedClockSkew must not be negative", [nameof(AllowedClockSkew)]);
    }
}
