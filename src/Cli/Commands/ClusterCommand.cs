using System.Globalization;
using System.Runtime.InteropServices;
using ActorRuntime.Cli.Cluster;
using ActorRuntime.Cli.Processes;
using ActorRuntime.Components.Loading;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt cluster up|down|list</c>: the docker-compose topology (silos on PostgreSQL or Redis membership, gateways
/// as cluster clients) as local processes on loopback, for trying failover on one machine.
/// </summary>
internal static class ClusterCommand
{
    public const string ConnectionEnvVar = "ACTORRT_CLUSTER_CONNECTION";

    private static readonly IReadOnlyList<FlagSpec> UpFlags =
    [
        new("store", "postgresql or redis: where membership lives (required)"),
        new("silos", "Number of silo processes (default 3)"),
        new("gateways", "Number of gateway processes, app ids app1..appN (default 1)"),
        new("connection-string", $"postgresql: libpq (host=... user=...), postgres:// URL or Npgsql form; redis: host:port, StackExchange.Redis configuration or redis:// URL (or env {ConnectionEnvVar})"),
        new("cluster-id", "Orleans ClusterId, also names the state file (default actorrt)"),
        new("resources-path", "A folder of component files for every silo and gateway; repeatable (default: a statestore in the --store server)", false, "d", "components-path"),
        new("dapr-http-port", "HTTP port of the first gateway, the next ones count up (default 3500, free ones when taken; 0: free ports)", false, "H"),
        new("dapr-grpc-port", "gRPC port of the first gateway, likewise (default 50001; 0: free ports)", false, "G"),
        new("log-level", "debug, info, warn or error, for every process (default info)"),
        new("timeout", "Seconds to wait for every gateway to report healthy (default 120)"),
        .. MtlsFlags.All,
        new("help", "Show this help", true, "h"),
    ];

    private static readonly IReadOnlyList<FlagSpec> DownFlags =
    [
        new("cluster-id", "Which cluster (default: the only one running)"),
        new("timeout", "Seconds to wait for an orderly stop before killing what is left (default 90)"),
        new("help", "Show this help", true, "h"),
    ];

    public static async Task<int> ExecuteAsync(string[] args)
    {
        var sub = args.FirstOrDefault();
        var rest = args.Length > 0 ? args[1..] : [];
        switch (sub)
        {
            case "up": return await UpAsync(rest);
            case "down": return await DownAsync(rest);
            case "list" or "ls" or "status": return List();
            case null or "help" or "--help" or "-h":
                PrintHelp();
                return sub is null ? 2 : 0;
            default:
                throw new UsageException($"unknown cluster command '{sub}' (up, down or list)");
        }
    }

    private static void PrintHelp()
    {
        Console.WriteLine($"""
            Usage:
              actorrt cluster up --store postgresql|redis --connection-string <cs> [--silos N] [--gateways M] [flags]
              actorrt cluster down [--cluster-id <id>]
              actorrt cluster list

            'cluster up' runs N `actorrt silo` and M `actorrt gateway` processes on loopback (free ports, printed),
            forwards their output behind '== silo-1 == ', waits until every gateway's /v1.0/healthz answers 204, and on
            Ctrl+C / SIGTERM stops gateways first, then silos gracefully. The connection string may also come from
            {ConnectionEnvVar}. 'actorrt cluster up --help' lists every flag.
            """);
    }

    /// <summary>
    /// The mTLS flags for every child. <c>--enable-mtls</c> creates the CA when there is none, so the children (which
    /// only use a CA, never create one) all find the same one.
    /// </summary>
    private static List<string> MtlsPassThrough(CommandLine cl)
    {
        var args = new List<string>();
        var files = cl.Get("ca-path") is { Length: > 0 } path ? new Security.CaFiles(Path.GetFullPath(path)) : Security.CaFiles.InHome(ActorRuntimeHome.Resolve());
        if (cl.Has("enable-mtls"))
        {
            var on = cl.GetBool("enable-mtls");
            if (on && !files.Exists) Security.CertificateAuthority.LoadOrCreate(files, Security.CertificateAuthority.DefaultTrustDomain);
            args.Add(on ? "--enable-mtls=true" : "--enable-mtls=false");
        }
        if (cl.Has("ca-path")) args.AddRange(["--ca-path", files.Folder]);
        if (cl.Get("config") is { Length: > 0 } config) args.AddRange(["--config", Path.GetFullPath(config)]);
        return args;
    }

    private static async Task<int> UpAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, UpFlags);
        if (cl.Has("help"))
        {
            Usage.PrintFlags("actorrt cluster up --store postgresql|redis --connection-string <cs> [flags]", UpFlags);
            return 0;
        }
        if (cl.AppCommand.Count > 0) throw new UsageException("actorrt cluster up runs no app; start apps yourself against the printed ports");
        var store = cl.Get("store")?.Trim().ToLowerInvariant() switch
        {
            "postgresql" or "postgres" => ClusterStore.PostgreSql,
            "redis" => ClusterStore.Redis,
            null => throw new UsageException("--store is required: postgresql or redis"),
            var other => throw new UsageException($"--store must be postgresql or redis, not '{other}'"),
        };
        var connection = cl.Get("connection-string") is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(ConnectionEnvVar);
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new UsageException(
                $"--connection-string (or env {ConnectionEnvVar}) is required, e.g. " +
                (store == ClusterStore.PostgreSql ? "\"Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt\"" : "127.0.0.1:6390") +
                " for the servers of scripts/services.sh");
        }
        // Checked once here; Redis becomes a StackExchange.Redis configuration for the silos, gateways and default component.
        if (Silo.Hosting.ClusterConnectionStrings.Problem(store == ClusterStore.PostgreSql, connection, "--connection-string") is { } problem)
            throw new UsageException(problem);
        if (store == ClusterStore.Redis) connection = Silo.Hosting.ClusterConnectionStrings.RedisConfiguration(connection);
        var silos = cl.GetInt("silos") ?? 3;
        var gateways = cl.GetInt("gateways") ?? 1;
        if (silos is < 1 or > 64) throw new UsageException("--silos must be between 1 and 64");
        if (gateways is < 0 or > 64) throw new UsageException("--gateways must be between 0 and 64");
        var clusterId = cl.Get("cluster-id") ?? "actorrt";
        if (clusterId.Length == 0 || clusterId.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/', '\\', ' ']) >= 0)
            throw new UsageException($"--cluster-id '{clusterId}' must be a plain name (it names the state file)");
        var logLevel = cl.Get("log-level") ?? "info";
        Hosting.RuntimeLogging.Parse(logLevel); // validates
        var timeout = TimeSpan.FromSeconds(cl.GetInt("timeout") ?? 120);
        var httpBase = cl.GetInt("dapr-http-port") ?? 3500;
        var grpcBase = cl.GetInt("dapr-grpc-port") ?? 50001;

        var stateFile = ClusterStateFile.FileFor(clusterId);
        if (ClusterStateFile.Read(stateFile) is { } running && ClusterStateFile.IsAlive(running.SupervisorPid))
            throw new UsageException($"cluster '{clusterId}' is already running (pid {running.SupervisorPid}); stop it with 'actorrt cluster down --cluster-id {clusterId}' or pick another --cluster-id");

        var resources = cl.GetAll("resources-path").Select(Path.GetFullPath).ToList();
        if (resources.Count == 0)
        {
            var folder = Path.Combine(ClusterStateFile.Folder, clusterId, "components");
            resources.Add(ClusterResources.WriteDefault(folder, store, connection));
        }
        else
        {
            foreach (var r in resources)
                if (!Directory.Exists(r) && !File.Exists(r)) throw new UsageException($"--resources-path {r} does not exist");
        }

        var plan = new ClusterPlan(clusterId, store, connection, silos, gateways, resources, httpBase, grpcBase, logLevel, timeout, SelfCommand())
        {
            PassThrough = MtlsPassThrough(cl),
            EnableMtls = cl.Has("enable-mtls") ? cl.GetBool("enable-mtls") : null,
            CaFolder = cl.Get("ca-path") is { Length: > 0 } caPath ? Path.GetFullPath(caPath) : null,
        };

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        Console.WriteLine($"ℹ️  Starting cluster '{clusterId}': {silos} silo(s) on {plan.StoreName} membership, {gateways} gateway(s); components from {string.Join(", ", resources)}");
        await using var supervisor = new ClusterSupervisor(plan);
        var exitCode = 0;
        try
        {
            await supervisor.StartAsync(stop.Token);
            Console.WriteLine($"✅  Cluster '{clusterId}' is up ({ClusterStateFile.FileFor(clusterId)}). Ctrl+C or 'actorrt cluster down --cluster-id {clusterId}' stops it.");
            var stopped = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            if (await Task.WhenAny(stopped, supervisor.AllExited) != stopped)
            {
                Console.WriteLine("⚠️  Every process of the cluster has exited");
                exitCode = 1;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C during start-up: stop what started.
        }
        catch (ClusterStartException ex)
        {
            Console.Error.WriteLine($"❌  {ex.Message}");
            exitCode = 1;
        }
        catch (Exception ex) when (!stop.IsCancellationRequested && ex is not OperationCanceledException)
        {
            // E.g. the membership store refused the probe's connection: stop what started rather than orphan it.
            Console.Error.WriteLine($"❌  The cluster did not start: {ex.GetType().Name}: {ex.Message}");
            exitCode = 1;
        }
        Console.WriteLine("ℹ️  Shutting down the cluster");
        await supervisor.StopAsync();
        Console.WriteLine("✅  Cluster stopped");
        return exitCode;
    }

    /// <summary>How to start this same actorrt: <c>dotnet actorrt.dll</c>, or the apphost.</summary>
    private static string[] SelfCommand()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(ClusterCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && assembly.Length > 0
            ? [process, assembly]
            : [process];
    }

    private static async Task<int> DownAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, DownFlags);
        if (cl.Has("help"))
        {
            Usage.PrintFlags("actorrt cluster down [--cluster-id <id>]", DownFlags);
            return 0;
        }
        var timeout = TimeSpan.FromSeconds(cl.GetInt("timeout") ?? 90);
        var all = ClusterStateFile.All();
        (string File, ClusterStateFile.State State) target;
        if (cl.Get("cluster-id") is { } id)
        {
            var match = all.Where(x => x.State.ClusterId == id).ToList();
            if (match.Count == 0)
            {
                Console.WriteLine($"ℹ️  No cluster '{id}' is running (no {ClusterStateFile.FileFor(id)})");
                return 1;
            }
            target = match[0];
        }
        else
        {
            if (all.Count == 0)
            {
                Console.WriteLine("ℹ️  No cluster is running");
                return 1;
            }
            if (all.Count > 1)
                throw new UsageException($"several clusters are running ({string.Join(", ", all.Select(x => x.State.ClusterId))}); say which with --cluster-id");
            target = all[0];
        }

        var state = target.State;
        var deadline = DateTime.UtcNow + timeout;
        if (ClusterStateFile.IsAlive(state.SupervisorPid))
        {
            Console.WriteLine($"ℹ️  Stopping cluster '{state.ClusterId}' (pid {state.SupervisorPid})");
            ProcessTree.Signal([state.SupervisorPid], ProcessTree.SigTerm);
            while (ClusterStateFile.IsAlive(state.SupervisorPid) && DateTime.UtcNow < deadline) await Task.Delay(200);
        }
        // The supervisor is gone (or did not finish): stop what is left ourselves, in the same order.
        var left = state.Processes.Where(p => ClusterStateFile.IsAlive(p.Pid)).ToList();
        foreach (var role in new[] { "gateway", "silo" })
        {
            var group = left.Where(p => p.Role == role).ToList();
            if (group.Count == 0) continue;
            Console.WriteLine($"ℹ️  Stopping {group.Count} {role}(s) left running: {string.Join(", ", group.Select(p => $"{p.Name} (pid {p.Pid})"))}");
            foreach (var p in group) ProcessTree.Signal([p.Pid], ProcessTree.SigTerm);
            var groupDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(role == "silo" ? 45 : 15);
            while (group.Any(p => ClusterStateFile.IsAlive(p.Pid)) && DateTime.UtcNow < groupDeadline) await Task.Delay(200);
            foreach (var p in group.Where(p => ClusterStateFile.IsAlive(p.Pid)))
            {
                Console.WriteLine($"⚠️  {p.Name} (pid {p.Pid}) did not stop; killing it");
                ProcessTree.Signal([p.Pid], ProcessTree.SigKill);
            }
        }
        if (ClusterStateFile.IsAlive(state.SupervisorPid)) ProcessTree.Signal([state.SupervisorPid], ProcessTree.SigKill);
        if (File.Exists(target.File)) File.Delete(target.File);
        Console.WriteLine($"✅  Cluster '{state.ClusterId}' stopped");
        return 0;
    }

    private static int List()
    {
        var all = ClusterStateFile.All();
        if (all.Count == 0)
        {
            Console.WriteLine("ℹ️  No cluster is running");
            return 0;
        }
        foreach (var (file, state) in all)
        {
            var alive = ClusterStateFile.IsAlive(state.SupervisorPid);
            Console.WriteLine($"{state.ClusterId}  store {state.Store}  pid {state.SupervisorPid}{(alive ? "" : " (not running)")}  started {state.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
            foreach (var p in state.Processes)
            {
                var ports = p.Role == "silo" ? $"silo port {p.SiloPort}, gateway port {p.GatewayPort}" : $"app id {p.AppId}, HTTP {p.HttpPort}, gRPC {p.GrpcPort}";
                Console.WriteLine($"  {p.Name,-12} pid {p.Pid,-7} {ports}{(ClusterStateFile.IsAlive(p.Pid) ? "" : "  (exited)")}");
            }
            if (!alive && state.Processes.All(p => !ClusterStateFile.IsAlive(p.Pid))) File.Delete(file);
        }
        return 0;
    }
}
