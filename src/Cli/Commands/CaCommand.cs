using ActorRuntime.Components.Loading;
using ActorRuntime.Security;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt ca init|rotate-root|drop-old-roots|show</c>: the runtime's certificate authority under the home folder
/// (Sentry's role). Every silo and gateway that can read the folder (or copies of its issuer files) issues its own
/// short-lived workload certificate from it.
/// </summary>
internal static class CaCommand
{
    private static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("trust-domain", $"SPIFFE trust domain (default {CertificateAuthority.DefaultTrustDomain}, as Dapr's access control policies assume)"),
        new("issuer-cert", "Your issuer certificate (PEM) instead of a generated one; needs --issuer-key and --root-cert"),
        new("issuer-key", "Your issuer's private key (PEM, ECDSA)"),
        new("root-cert", "Your root certificate(s) (PEM): the trust bundle"),
        new("ca-path", "The CA folder (default ~/.actorrt/ca)"),
        new("force", "Replace an existing CA", true),
        new("help", "Show this help", true, "h"),
    ];

    public static int Execute(string[] args)
    {
        var sub = args.FirstOrDefault();
        var cl = CommandLine.Parse(args.Length > 0 ? args[1..] : [], Flags);
        if (sub is null or "help" or "--help" or "-h" || cl.Has("help"))
        {
            Usage.PrintFlags("actorrt ca init|rotate-root|drop-old-roots|show [flags]", Flags);
            return 0;
        }
        var files = cl.Get("ca-path") is { Length: > 0 } path ? new CaFiles(Path.GetFullPath(path)) : CaFiles.InHome(ActorRuntimeHome.Resolve());
        switch (sub)
        {
            case "init":
                if (files.Exists && !cl.Has("force"))
                    throw new UsageException($"a certificate authority already exists in {files.Folder}; pass --force to replace it (every process must then get new certificates)");
                var trustDomain = cl.Get("trust-domain") ?? CertificateAuthority.DefaultTrustDomain;
                var imported = new[] { "issuer-cert", "issuer-key", "root-cert" }.Count(cl.Has);
                if (imported is > 0 and < 3) throw new UsageException("--issuer-cert, --issuer-key and --root-cert go together");
                var ca = imported == 3
                    ? CertificateAuthority.Import(files, trustDomain, cl.Get("issuer-cert")!, cl.Get("issuer-key")!, cl.Get("root-cert")!)
                    : CertificateAuthority.Create(files, trustDomain);
                Console.WriteLine($"✅  Certificate authority for trust domain '{ca.TrustDomain}' in {files.Folder} ({(imported == 3 ? "imported" : "created")})");
                Show(ca);
                return 0;
            case "rotate-root":
                Console.WriteLine("✅  New root added beside the old one (overlap) and a new issuer under it is current");
                Show(CertificateAuthority.RotateRoot(files));
                Console.WriteLine("   Running processes trust the new root within a second and issue from the new issuer at their next renewal;");
                Console.WriteLine("   once every certificate under the old root has been renewed, end the overlap with 'actorrt ca drop-old-roots'.");
                return 0;
            case "drop-old-roots":
                Show(CertificateAuthority.DropOldRoots(files));
                return 0;
            case "show":
                Show(CertificateAuthority.Load(files));
                return 0;
            default:
                throw new UsageException($"unknown ca command '{sub}': init, rotate-root, drop-old-roots or show");
        }
    }

    private static void Show(CertificateAuthority ca)
    {
        foreach (var root in ca.Bundle.Roots)
            Console.WriteLine($"   root   {root.Subject}  {root.Thumbprint}  valid until {root.NotAfter.ToUniversalTime():u}");
        Console.WriteLine($"   issuer {ca.Issuer.Subject}  {ca.Issuer.Thumbprint}  valid until {ca.Issuer.NotAfter.ToUniversalTime():u}");
    }
}
