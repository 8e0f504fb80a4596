using ActorRuntime.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// <c>actorrt cluster up --enable-mtls</c>: three silos and two gateways (PostgreSQL membership and state) on mutual TLS
/// with 30-second workload certificates. State writes through both gateways (gateway → silo, silo → silo) run while the
/// certificates renew and the root is rotated: none may fail. Every silo and client port and every gateway's internal
/// port refuses strangers.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class MtlsClusterTests(ITestOutputHelper output)
{
    [Fact(Timeout = 400_000)]
    public async Task Three_silos_and_two_gateways_on_mtls_rotate_certificates_under_load_without_a_failure()
    {
        await Services.EnsurePostgresAsync();
        await using var sandbox = new ClusterSandbox("mtls-pg").WithPostgresStore();
        var config = Path.Combine(sandbox.Root, "mtls.yaml");
        File.WriteAllText(config, """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: mtls
            spec:
              mtls:
                enabled: true
                workloadCertTTL: 30s
                allowedClockSkew: 1m
            """);
        await using var cluster = await LocalCluster.StartAsync("postgresql", Services.Postgres, 3, 2, sandbox.Resources, sandbox.ClusterId, sandbox.Home,
            ["--enable-mtls", "--config", config]);
        var ca = Path.Combine(sandbox.Home, "ca");
        Assert.True(File.Exists(Path.Combine(ca, "issuer.key")), "cluster up --enable-mtls did not create the CA");
        await using var load = new StateLoad([.. cluster.Gateways.Select(g => g.Http)], "statestore", sandbox.KeyStem, 8, 4, TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(4));
        try
        {
            // Past a renewal (70% of 30 s), then a root rotation, then past the next renewal (from the new issuer).
            await Task.Delay(TimeSpan.FromSeconds(25));
            var rotate = ActorRuntimeBinary.Dotnet([cluster.Dll, "ca", "rotate-root"]);
            rotate.Environment["ACTORRT_HOME"] = sandbox.Home;
            var (code, text, _) = await ActorRuntimeBinary.RunToEndAsync(rotate, TimeSpan.FromSeconds(60));
            Assert.True(code == 0, text);
            var rotatedAt = load.Now;
            await Task.Delay(TimeSpan.FromSeconds(35));
            await load.StopAsync();
            var failures = load.Outcomes.Where(o => !o.Ok).ToList();
            output.WriteLine($"{load.Outcomes.Count} writes, {failures.Count} failed; root rotated at +{rotatedAt.TotalSeconds:0.0} s");
            Assert.True(failures.Count == 0, $"{failures.Count} writes failed: {string.Join(" | ", failures.Take(5).Select(f => f.Error))}");
            Assert.True(load.Outcomes.Count > 100, $"only {load.Outcomes.Count} writes ran");
            Assert.Empty(await load.VerifyAckedAsync());

            var valid = TestCertificates.FromCa(ca, "spiffe://public/ns/default/probe");
            var stranger = TestCertificates.FromStranger("spiffe://public/ns/actorrt-system/silo");
            var expired = TestCertificates.FromCa(ca, "spiffe://public/ns/default/probe", DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddMinutes(-20));
            var ports = cluster.Silos.SelectMany(s => new[] { s.SiloPort!.Value, s.GatewayPort!.Value })
                .Concat(await ListeningPorts.WithoutMetricsEndpointAsync(cluster.Gateways.SelectMany(g => ListeningPorts.Of(g.Pid).Except([g.HttpPort!.Value, g.GrpcPort!.Value])))).ToList();
            var problems = new List<string>();
            foreach (var port in ports)
            {
                if (!await TlsProbe.AcceptsTlsAsync(port, valid)) problems.Add($"{port}: refused a trust-bundle certificate (control)");
                if (await TlsProbe.AcceptsTlsAsync(port, null)) problems.Add($"{port}: accepted no certificate");
                if (await TlsProbe.AcceptsTlsAsync(port, stranger)) problems.Add($"{port}: accepted another CA's certificate");
                if (await TlsProbe.AcceptsTlsAsync(port, expired)) problems.Add($"{port}: accepted an expired certificate");
                if (await TlsProbe.AcceptsPlaintextAsync(port)) problems.Add($"{port}: accepted plaintext");
            }
            output.WriteLine($"probed {ports.Count} ports: {string.Join(", ", ports)}");
            Assert.Empty(problems);
        }
        finally
        {
            output.WriteLine(cluster.OutputTail(30));
        }
    }
}
