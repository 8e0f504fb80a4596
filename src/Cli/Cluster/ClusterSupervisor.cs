using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorRuntime.Cli.Hosting;
using ActorRuntime.Cli.Processes;

namespace ActorRuntime.Cli.Cluster;

/// <summary>What <c>actorrt cluster up</c> was asked to run.</summary>
internal sealed record ClusterPlan(
    string ClusterId,
    ClusterStore Store,
    string ConnectionString,
    int Silos,
    int Gateways,
    IReadOnlyList<string> ResourcesPaths,
    int HttpPortBase,
    int GrpcPortBase,
    string LogLevel,
    TimeSpan StartTimeout,
    IReadOnlyList<string> Self)
{
    public string StoreName => Store == ClusterStore.PostgreSql ? "postgresql" : "redis";

    /// <summary>Flags every silo and gateway gets as given (<c>--config</c>, <c>--enable-mtls</c>, <c>--ca-path</c>).</summary>
    public IReadOnlyList<string> PassThrough { get; init; } = [];

    /// <summary>The children's mTLS: the flag as given (null: on when the CA exists) and the CA folder.</summary>
    public bool? EnableMtls { get; init; }
    public string? CaFolder { get; init; }
}

/// <summary>
/// Runs a cluster as local processes on loopback: N <c>actorrt silo</c> processes on PostgreSQL or Redis membership,
/// then M <c>actorrt gateway</c> processes (app ids <c>app1..appM</c>), each on ports chosen here so they can be printed.
/// Start-up is bounded (<see cref="ClusterPlan.StartTimeout"/>); a port taken between choosing and binding is retried with
/// new ports. Stopping runs the other way: gateways first (in-flight requests drain), then silos, gracefully (SIGTERM,
/// the silo leaves the cluster and hands its grains over), SIGKILL only after a grace period.
/// </summary>
internal sealed class ClusterSupervisor : IAsyncDisposable
{
    private const int MaxStartAttempts = 3;
    private static readonly TimeSpan GatewayStopGrace = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SiloStopGrace = TimeSpan.FromSeconds(45);

    private readonly ClusterPlan _plan;
    private readonly List<Member> _members = [];
    private readonly HashSet<int> _takenPorts = [];
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private bool _ready;
    private volatile bool _stopping;

    public ClusterSupervisor(ClusterPlan plan) => _plan = plan;

    private sealed class Member(string name, string role, int index)
    {
        public string Name { get; } = name;
        public string Role { get; } = role;
        public int Index { get; } = index;
        public string? AppId { get; init; }
        public int PortA { get; set; } // silo port, or gateway HTTP port
        public int PortB { get; set; } // silo gateway port, or gateway gRPC port
        public ChildProcess Child { get; set; } = null!;
        public bool IsSilo => Role == "silo";
    }

    /// <summary>Starts every process and waits until each silo listens and each gateway answers healthz 204.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_plan.StartTimeout);
        try
        {
            var silos = Enumerable.Range(1, _plan.Silos).Select(i => new Member($"silo-{i}", "silo", i)).ToList();
            await Task.WhenAll(silos.Select(m => StartMemberAsync(m, deadline.Token)));
            // A silo that exits while the others join would leave the probe waiting for it until the deadline.
            using (var probing = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
            {
                var probe = ClusterMembershipProbe.WaitForActiveSilosAsync(_plan, [.. silos.Select(s => s.PortA)], probing.Token);
                var exited = Task.WhenAny(silos.Select(s => s.Child.Exited));
                if (await Task.WhenAny(probe, exited) != probe)
                {
                    await probing.CancelAsync();
                    try { await probe; } catch (Exception) { /* cancelled: the exit is what is reported */ }
                    var dead = silos.First(s => s.Child.HasExited);
                    throw new ClusterStartException($"{dead.Name} exited with code {await dead.Child.Exited} before the cluster formed (its output is above)");
                }
                await probe;
            }
            var gateways = Enumerable.Range(1, _plan.Gateways).Select(i => new Member($"gateway-{i}", "gateway", i) { AppId = $"app{i}" }).ToList();
            await Task.WhenAll(gateways.Select(m => StartMemberAsync(m, deadline.Token)));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ClusterStartException($"the cluster was not ready within {_plan.StartTimeout.TotalSeconds:0} s");
        }
        lock (_gate) _ready = true;
        SaveState();
    }

    private async Task StartMemberAsync(Member m, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            lock (_gate)
            {
                if (m.IsSilo)
                {
                    m.PortA = FreePort();
                    m.PortB = FreePort();
                }
                else
                {
                    m.PortA = _plan.HttpPortBase > 0 ? PortPicker.PreferredOrFree(_plan.HttpPortBase + m.Index - 1, _takenPorts) : FreePort();
                    m.PortB = _plan.GrpcPortBase > 0 ? PortPicker.PreferredOrFree(_plan.GrpcPortBase + m.Index - 1, _takenPorts) : FreePort();
                }
                m.Child = ChildProcess.Start(new ChildProcessStart
                {
                    Command = [.. _plan.Self, .. Arguments(m)],
                    LinePrefix = $"== {m.Name} == ",
                    Output = Console.Out,
                    OwnSession = true,
                    DetachInput = true,
                    // Dapr variables of the caller's shell are not meant for the runtime processes.
                    DropEnvironmentPrefixes = ["DAPR_"],
                    DrainLimit = TimeSpan.FromSeconds(5),
                });
                if (attempt == 1) _members.Add(m);
            }
            Console.WriteLine(m.IsSilo
                ? $"ℹ️  {m.Name}: pid {m.Child.Id}, silo port {m.PortA}, gateway port {m.PortB}"
                : $"ℹ️  {m.Name}: app id '{m.AppId}', pid {m.Child.Id}, HTTP port {m.PortA}, gRPC port {m.PortB}");
            SaveState();
            if (await WaitReadyAsync(m, ct)) break;
            var code = await m.Child.Exited;
            if (attempt < MaxStartAttempts && PrintedAddressInUse(m.Child))
            {
                Console.WriteLine($"⚠️  {m.Name}: a port was taken meanwhile; starting again with new ports");
                continue;
            }
            throw new ClusterStartException($"{m.Name} exited with code {code} during start-up (its output is above)");
        }
        WatchExit(m);
        Console.WriteLine(m.IsSilo ? $"✅  {m.Name} is listening" : $"✅  {m.Name} is ready (healthz 204): http://127.0.0.1:{m.PortA}");
    }

    /// <summary>The member failed because a port we picked was taken before it bound it (worth one more try).</summary>
    private static bool PrintedAddressInUse(ChildProcess child) =>
        child.RecentOutput.Contains("address already in use", StringComparison.OrdinalIgnoreCase) ||
        child.RecentOutput.Contains("AddressInUse", StringComparison.OrdinalIgnoreCase);

    private int FreePort()
    {
        int port;
        do port = PortPicker.Free(); while (!_takenPorts.Add(port));
        return port;
    }

    private List<string> Arguments(Member m)
    {
        var inv = CultureInfo.InvariantCulture;
        var args = m.IsSilo
            ? new List<string> { "silo", "--silo-port", m.PortA.ToString(inv), "--gateway-port", m.PortB.ToString(inv), "--advertised-address", "127.0.0.1" }
            : new List<string> { "gateway", "--app-id", m.AppId!, "--dapr-http-port", m.PortA.ToString(inv), "--dapr-grpc-port", m.PortB.ToString(inv) };
        args.AddRange(["--cluster", _plan.StoreName, "--connection-string", _plan.ConnectionString, "--cluster-id", _plan.ClusterId, "--log-level", _plan.LogLevel]);
        foreach (var path in _plan.ResourcesPaths) args.AddRange(["--resources-path", path]);
        args.AddRange(_plan.PassThrough);
        return args;
    }

    /// <summary>True once ready; false when the process exited first. Polls every 200 ms until <paramref name="ct"/>.</summary>
    private static async Task<bool> WaitReadyAsync(Member m, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (m.Child.HasExited) return false;
            if (m.IsSilo ? await ListensAsync(m.PortA, ct) : await HealthyAsync(http, m.PortA, ct)) return true;
            await Task.WhenAny(m.Child.Exited, Task.Delay(200, ct));
        }
    }

    private static async Task<bool> ListensAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private static async Task<bool> HealthyAsync(HttpClient http, int port, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/v1.0/healthz"), ct);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private void WatchExit(Member m)
    {
        var child = m.Child;
        _ = child.Exited.ContinueWith(t =>
        {
            if (_stopping) return;
            Console.WriteLine($"⚠️  {m.Name} (pid {child.Id}) exited with code {t.Result}; the rest of the cluster keeps running");
            SaveState();
        }, TaskScheduler.Default);
    }

    /// <summary>Completes when every process has exited (nothing left to supervise).</summary>
    public Task AllExited
    {
        get
        {
            lock (_gate) return Task.WhenAll(_members.Select(m => m.Child.Exited));
        }
    }

    /// <summary>Gateways first, then silos; each SIGTERM, SIGKILL after its grace period.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        List<Member> members;
        lock (_gate) members = [.. _members];
        var gateways = members.Where(m => !m.IsSilo && !m.Child.HasExited).ToList();
        if (gateways.Count > 0)
        {
            Console.WriteLine($"ℹ️  Stopping {gateways.Count} gateway(s)");
            await Task.WhenAll(gateways.Select(m => StopMemberAsync(m, GatewayStopGrace)));
        }
        var silos = members.Where(m => m.IsSilo && !m.Child.HasExited).ToList();
        if (silos.Count > 0)
        {
            Console.WriteLine($"ℹ️  Stopping {silos.Count} silo(s)");
            await Task.WhenAll(silos.Select(m => StopMemberAsync(m, SiloStopGrace)));
        }
        ClusterStateFile.Remove(_plan.ClusterId, Environment.ProcessId);
    }

    private static async Task StopMemberAsync(Member m, TimeSpan grace)
    {
        var graceful = await m.Child.StopAsync(grace);
        Console.WriteLine(graceful
            ? $"ℹ️  {m.Name} stopped (exit code {(m.Child.HasExited ? m.Child.Exited.Result : -1)})"
            : $"⚠️  {m.Name} did not stop within {grace.TotalSeconds:0} s and was killed");
    }

    private void SaveState()
    {
        ClusterStateFile.State state;
        lock (_gate)
        {
            state = new ClusterStateFile.State(_plan.ClusterId, _plan.StoreName, Environment.ProcessId, _started, _ready, _plan.ResourcesPaths,
                [.. _members.Select(m => new ClusterStateFile.Member(
                    m.Name, m.Role, m.Child.Id,
                    m.IsSilo ? m.PortA : null, m.IsSilo ? m.PortB : null,
                    m.AppId, m.IsSilo ? null : m.PortA, m.IsSilo ? null : m.PortB,
                    m.Child.HasExited ? m.Child.Exited.Result : null))]);
        }
        try
        {
            lock (_gate) ClusterStateFile.Write(state);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"⚠️  could not write the cluster state file: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Member> members;
        lock (_gate) members = [.. _members];
        foreach (var m in members) await m.Child.DisposeAsync();
    }
}

internal sealed class ClusterStartException(string message) : Exception(message);
