using System.Net;
using System.Text;
using ActorRuntime.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>The same topology on Redis membership (and a Redis state store): it starts, serves state, and stops with <c>cluster down</c>.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    [Fact(Timeout = 240_000)]
    public async Task Three_silos_on_redis_membership_serve_state_through_two_gateways_and_stop_with_cluster_down()
    {
        await Services.EnsureRedisAsync();
        await using var sandbox = new ClusterSandbox("redis").WithRedisStore();
        await using var cluster = await LocalCluster.StartAsync("redis", Services.Redis, 3, 2, sandbox.Resources, sandbox.ClusterId, sandbox.Home);
        try
        {
            Assert.Equal(3, cluster.Silos.Count);
            Assert.Equal(2, cluster.Gateways.Count);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var g1 = cluster.Gateways[0].Http;
            var g2 = cluster.Gateways[1].Http;
            for (var i = 0; i < 40; i++)
            {
                var key = $"{sandbox.KeyStem}-{i}";
                using var body = new StringContent($"[{{\"key\":\"{key}\",\"value\":{{\"n\":{i}}}}}]", Encoding.UTF8, "application/json");
                using var write = await http.PostAsync(new Uri(i % 2 == 0 ? g1 : g2, "/v1.0/state/statestore"), body);
                Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
            }
            for (var i = 0; i < 40; i++)
            {
                var key = $"{sandbox.KeyStem}-{i}";
                using var read = await http.GetAsync(new Uri(i % 2 == 0 ? g2 : g1, $"/v1.0/state/statestore/{key}"));
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal($"{{\"n\":{i}}}", await read.Content.ReadAsStringAsync());
            }

            var (code, text, upExit) = await cluster.DownAsync(TimeSpan.FromSeconds(120));
            output.WriteLine("--- actorrt cluster down ---\n" + text);
            Assert.Equal(0, code);
            Assert.Equal(0, upExit);
            foreach (var m in cluster.Members) Assert.False(LocalCluster.IsRunning(m.Pid), $"{m.Name} (pid {m.Pid}) still runs after cluster down");
            Assert.False(File.Exists(Path.Combine(sandbox.Home, "clusters", sandbox.ClusterId + ".json")), "cluster down left the state file");
            var log = cluster.Output;
            Assert.True(log.IndexOf("Stopping 2 gateway(s)", StringComparison.Ordinal) < log.IndexOf("Stopping 3 silo(s)", StringComparison.Ordinal), "gateways must stop before silos");
        }
        finally
        {
            output.WriteLine("--- actorrt cluster up ---\n" + cluster.SupervisorLines);
        }
    }
}
