using System.Net;
using ActorRuntime.Silo.Clustering;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>Two silos and a client sharing membership in PostgreSQL (needs the PostgreSQL test server).</summary>
[Collection(nameof(ClusterCollection))]
public sealed class PostgresClusterTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private async Task<IHost> StartSilo(CancellationToken ct)
    {
        var builder = TestSilos.Builder(output);
        builder.UseOrleans(silo => silo
            .UsePostgresClustering(_db.ConnectionString)
            .Configure<ClusterOptions>(o => { o.ClusterId = "pg-test"; o.ServiceId = "pg-test"; })
            .ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next())
            .Configure<ClusterMembershipOptions>(LocalMachineClustering.ApplyDevMachineTimings));
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_silos_and_a_client_share_membership_in_postgres()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        IHost? a = null, b = null, client = null;
        try
        {
            a = await StartSilo(ct);
            b = await StartSilo(ct);
            var expected = new[] { a.Address(), b.Address() }.OrderBy(x => x.ToString()).ToArray();
            await TestSilos.Eventually(a.ActiveSilos, s => s.SequenceEqual(expected), TimeSpan.FromSeconds(30), "both silos active", ct);
            await TestSilos.Eventually(b.ActiveSilos, s => s.SequenceEqual(expected), TimeSpan.FromSeconds(30), "both silos active", ct);

            var builder = TestSilos.Builder(output);
            builder.UseOrleansClient(c => c
                .UsePostgresClustering(_db.ConnectionString)
                .Configure<ClusterOptions>(o => { o.ClusterId = "pg-test"; o.ServiceId = "pg-test"; }));
            client = builder.Build();
            await client.StartAsync(ct);
            var where = await client.Grains().GetGrain<IWhereGrain>("pg").Where();
            Assert.Contains(where, expected.Select(s => s.ToString()));
        }
        finally
        {
            await client.StopQuietly();
            await b.StopQuietly();
            await a.StopQuietly();
        }
    }
}
