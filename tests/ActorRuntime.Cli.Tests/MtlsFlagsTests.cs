using ActorRuntime.Cli.Commands;

namespace ActorRuntime.Cli.Tests;

public sealed class MtlsFlagsTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("actorrt-mtls-flags-").FullName;

    private Security.MtlsRuntime? Resolve(string[] args, bool createCa, string? config = null) =>
        MtlsFlags.Resolve(CommandLine.Parse(args, RunFlags.All), config, _home, createCa);

    [Fact]
    public void Run_is_on_by_default_and_creates_the_machine_ca()
    {
        using var mtls = Resolve(["--app-id", "a"], createCa: true);
        Assert.NotNull(mtls);
        Assert.True(File.Exists(Path.Combine(_home, "ca", "issuer.key")));
        Assert.Equal("public", mtls.TrustDomain);
        Assert.Equal(TimeSpan.FromHours(24), mtls.Settings.WorkloadCertTtl);
    }

    [Fact]
    public void The_flag_turns_it_off_and_wins_over_the_configuration()
    {
        var config = Path.Combine(_home, "c.yaml");
        File.WriteAllText(config, "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  mtls:\n    enabled: true\n    workloadCertTTL: 1h\n");
        Assert.Null(Resolve(["--enable-mtls=false"], createCa: true, config));
        using var on = Resolve([], createCa: true, config);
        Assert.Equal(TimeSpan.FromHours(1), on!.Settings.WorkloadCertTtl);
    }

    [Fact]
    public void Silo_and_gateway_follow_the_ca_and_never_create_one()
    {
        Assert.Null(Resolve([], createCa: false));
        Assert.Throws<UsageException>(() => Resolve(["--enable-mtls"], createCa: false));
        Assert.False(Directory.Exists(Path.Combine(_home, "ca")));
        Security.CertificateAuthority.Create(Security.CaFiles.InHome(_home), "public");
        using var on = Resolve([], createCa: false);
        Assert.NotNull(on);
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
