using ActorRuntime.Cluster.Tests.Infrastructure;

namespace ActorRuntime.Cluster.Tests;

/// <summary>Usage errors of <c>actorrt cluster</c>, answered before anything starts.</summary>
public sealed class ClusterCommandTests
{
    private static async Task<(int Code, string Output)> RunAsync(string home, params string[] args)
    {
        var dll = await ActorRuntimeBinary.GetAsync();
        var psi = ActorRuntimeBinary.Dotnet([dll, .. args]);
        psi.Environment["ACTORRT_HOME"] = home;
        var (code, output, _) = await ActorRuntimeBinary.RunToEndAsync(psi, TimeSpan.FromSeconds(60));
        return (code, output);
    }

    [Fact(Timeout = 120_000)]
    public async Task Up_without_a_connection_string_says_which_flag_or_variable_to_set()
    {
        var home = Path.Combine(Path.GetTempPath(), "actorrt-cluster-tests", "usage-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, output) = await RunAsync(home, "cluster", "up", "--store", "postgresql");
        Assert.Equal(2, code);
        Assert.Contains("--connection-string (or env ACTORRT_CLUSTER_CONNECTION) is required", output);
        (code, output) = await RunAsync(home, "cluster", "up", "--store", "mysql", "--connection-string", "x");
        Assert.Equal(2, code);
        Assert.Contains("--store must be postgresql or redis", output);
    }

    [Fact(Timeout = 120_000)]
    public async Task Down_with_nothing_running_says_so()
    {
        var home = Path.Combine(Path.GetTempPath(), "actorrt-cluster-tests", "usage-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, output) = await RunAsync(home, "cluster", "down");
        Assert.Equal(1, code);
        Assert.Contains("No cluster is running", output);
    }
}
