using ActorRuntime.Components.Configuration;
using ActorRuntime.Security;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>--enable-mtls</c> and <c>--ca-path</c>, shared by <c>run</c>, <c>silo</c> and <c>gateway</c>, and how they meet
/// Configuration <c>spec.mtls</c>: the flag wins, then <c>spec.mtls.enabled</c>, then the command's default
/// (<c>actorrt run</c>: on, creating a machine-local CA on first use; <c>silo</c>/<c>gateway</c>: on when a CA exists).
/// </summary>
internal static class MtlsFlags
{
    /// <summary>For commands without the run flags (<c>actorrt silo</c>); <see cref="RunFlags.All"/> carries the same two.</summary>
    public static readonly IReadOnlyList<FlagSpec> All =
    [
        new("enable-mtls", "Mutual TLS between runtime processes (--enable-mtls=false turns it off; default: on when a CA exists)", true),
        new("ca-path", "The certificate authority folder (default ~/.actorrt/ca, see 'actorrt ca init')"),
        new("config", "A Configuration file; its spec.mtls (workloadCertTTL, allowedClockSkew, enabled) applies", false, "c"),
    ];

    public static MtlsRuntime? Resolve(CommandLine cl, string? configFile, string home, bool createCa)
    {
        var spec = configFile is not null && File.Exists(configFile) ? RuntimeConfigurationLoader.Load(configFile).Mtls : null;
        var files = cl.Get("ca-path") is { Length: > 0 } path ? new CaFiles(Path.GetFullPath(path)) : CaFiles.InHome(home);
        var enabled = cl.Has("enable-mtls") ? cl.GetBool("enable-mtls") : spec?.Enabled ?? (createCa || files.Exists);
        if (!enabled) return null;
        if (!files.Exists)
        {
            if (!createCa)
                throw new UsageException($"mTLS is on but there is no certificate authority in {files.Folder}; create one with 'actorrt ca init' (share the folder, or its issuer files, with every silo and gateway) or pass --enable-mtls=false");
            CertificateAuthority.LoadOrCreate(files, CertificateAuthority.DefaultTrustDomain);
        }
        var settings = new MtlsSettings
        {
            Enabled = true,
            CaFolder = files.Folder,
            WorkloadCertTtl = spec?.WorkloadCertTtl ?? MtlsSettings.DefaultWorkloadCertTtl,
            AllowedClockSkew = spec?.AllowedClockSkew ?? MtlsSettings.DefaultAllowedClockSkew,
        };
        var problems = settings.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(settings)).ToList();
        if (problems.Count > 0) throw new UsageException($"{configFile}: {problems[0].ErrorMessage}");
        return new MtlsRuntime(settings);
    }
}
