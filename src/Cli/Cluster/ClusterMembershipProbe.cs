using ActorRuntime.Silo.Hosting;
using ActorRuntime.Silo.Clustering;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ActorRuntime.Cli.Cluster;

/// <summary>
/// Waits until the silos <c>cluster up</c> started are <em>Active</em> members of the cluster, asking the cluster itself
/// (an Orleans client and <see cref="IManagementGrain.GetHosts"/>). A listening port is not enough: a silo opens its
/// ports before it joins, and a gateway that starts earlier learns only the gateways active at that moment (it refreshes
/// its list once a minute), so it would never route through the late silos.
/// </summary>
internal static class ClusterMembershipProbe
{
    public static async Task WaitForActiveSilosAsync(ClusterPlan plan, IReadOnlyCollection<int> siloPorts, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actorrt-cluster-probe", DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (plan.Store == ClusterStore.PostgreSql) client.UsePostgresClustering(plan.ConnectionString);
            else client.UseRedisClustering(plan.ConnectionString);
            client.Configure<ClusterOptions>(o => { o.ClusterId = plan.ClusterId; o.ServiceId = "actorrt"; });
            // The silos speak mTLS whenever their CA says so; the probe is one more client of theirs.
            client.UseActorRuntimeMtlsIfConfigured("actorrt-cluster-probe", plan.EnableMtls, plan.CaFolder);
            client.UseConnectionRetryFilter((_, token) => Task.Delay(250, token).ContinueWith(t => !t.IsCanceled, TaskScheduler.Default));
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var reported = -1;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var active = (await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), ct))
                        .Keys.Select(s => s.Endpoint.Port).Where(siloPorts.Contains).Distinct().Count();
                    if (active != reported) Console.WriteLine($"ℹ️  {active} of {siloPorts.Count} silo(s) active in the cluster");
                    reported = active;
                    if (active == siloPorts.Count) return;
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // A silo still joining may not answer yet; ask again.
                }
                await Task.Delay(250, ct);
            }
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await host.StopAsync(stop.Token); }
            catch (OperationCanceledException) { }
        }
    }
}
