using System.Globalization;

namespace ActorRuntime.Bench;

/// <summary>Command-line settings of a bench run. Every loop is bounded by both time and count.</summary>
internal sealed class BenchOptions
{
    public string Scenario { get; set; } = "state";
    public string RepoRoot { get; set; } = "";
    /// <summary>Folder holding actorrt.dll, or the dll itself; null means "build src/Cli into bench/.build".</summary>
    public string? ActorRtBin { get; set; }
    public bool NoBuild { get; set; }
    public string ResultsDir { get; set; } = "";
    public string Redis { get; set; } = "127.0.0.1:6390";
    public string AppId { get; set; } = "bench";
    public TimeSpan RowDuration { get; set; } = TimeSpan.FromSeconds(5);
    public int RowMaxOps { get; set; } = 200_000;
    public TimeSpan WarmupDuration { get; set; } = TimeSpan.FromSeconds(1);
    public int WarmupMaxOps { get; set; } = 20_000;
    public int[] Callers { get; set; } = [1, 32];
    public int Keys { get; set; } = 1_000;
    public int PayloadBytes { get; set; } = 100;
    public string[] Ops { get; set; } = ["save+get", "get", "save"];
    /// <summary>Rows whose label contains any of these (case-insensitive) run; empty runs all.</summary>
    public string[] Filters { get; set; } = [];
    public bool SkipKestrel { get; set; }
    /// <summary>Times the whole row plan is repeated; rows are reported as the median over rounds.</summary>
    public int Rounds { get; set; } = 1;
    /// <summary>Untimed save+get per target before the first row, so JIT tiering is done in every process.</summary>
    public TimeSpan InitialWarmup { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Before each row, wait up to <see cref="QuietMaxWait"/> for other processes to use ≤ this many cores.</summary>
    public double QuietThreshold { get; set; } = 0.25;
    public TimeSpan QuietMaxWait { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Extra environment for the runtime process (e.g. DOTNET_PerfMapEnabled=1 to profile it with perf).</summary>
    public Dictionary<string, string> RuntimeEnvironment { get; } = new(StringComparer.Ordinal);
    /// <summary>Scenario 'cluster': silo counts to measure, one cluster each.</summary>
    public int[] Silos { get; set; } = [1, 2, 3];
    /// <summary>Scenario 'cluster': Npgsql connection string of the membership database.</summary>
    public string Postgres { get; set; } = "Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt";
    /// <summary>Scenario 'actors': new actor ids activated once each for activations/s and memory per activation.</summary>
    public int ActorIds { get; set; } = 20_000;
    /// <summary>Scenario 'actors': reminders registered (one per new actor id).</summary>
    public int Reminders { get; set; } = 10_000;

    /// <summary>Scenario 'cron': how many <c>@every 1s</c> cron bindings.</summary>
    public int CronBindings { get; set; } = 1_000;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        string? repo = null, results = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            switch (a)
            {
                case "-h" or "--help": throw new HelpRequested();
                case "--repo": repo = Next(); break;
                case "--actorrt-bin": o.ActorRtBin = Next(); break;
                case "--no-build": o.NoBuild = true; break;
                case "--results": results = Next(); break;
                case "--redis": o.Redis = Next(); break;
                case "--app-id": o.AppId = Next(); break;
                case "--duration": o.RowDuration = Seconds(Next()); break;
                case "--max-ops": o.RowMaxOps = PositiveInt(Next()); break;
                case "--warmup": o.WarmupDuration = Seconds(Next()); break;
                case "--warmup-ops": o.WarmupMaxOps = PositiveInt(Next()); break;
                case "--callers": o.Callers = Next().Split(',').Select(PositiveInt).ToArray(); break;
                case "--keys": o.Keys = PositiveInt(Next()); break;
                case "--payload": o.PayloadBytes = Math.Max(60, PositiveInt(Next())); break;
                case "--ops": o.Ops = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--filter": o.Filters = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--no-kestrel": o.SkipKestrel = true; break;
                case "--silos": o.Silos = Next().Split(',').Select(PositiveInt).ToArray(); break;
                case "--postgres": o.Postgres = Next(); break;
                case "--actor-ids": o.ActorIds = PositiveInt(Next()); break;
                case "--reminders": o.Reminders = PositiveInt(Next()); break;
                case "--rounds": o.Rounds = PositiveInt(Next()); break;
                case "--cron-bindings": o.CronBindings = PositiveInt(Next()); break;
                case "--initial-warmup": o.InitialWarmup = Seconds(Next()); break;
                case "--quiet": o.QuietThreshold = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--quiet-wait": o.QuietMaxWait = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--runtime-env":
                    var kv = Next().Split('=', 2);
                    if (kv.Length != 2 || kv[0].Length == 0) throw new ArgumentException("--runtime-env takes NAME=VALUE");
                    o.RuntimeEnvironment[kv[0]] = kv[1];
                    break;
                default:
                    if (a.StartsWith('-')) throw new ArgumentException($"unknown option {a}");
                    o.Scenario = a;
                    break;
            }
        }
        foreach (var op in o.Ops)
            if (op is not ("save+get" or "get" or "save")) throw new ArgumentException($"--ops: unknown op '{op}' (save+get, get, save)");
        o.ActorRtBin ??= Environment.GetEnvironmentVariable("ACTORRT_BIN") is { Length: > 0 } env ? env : null;
        o.RepoRoot = Path.GetFullPath(repo ?? FindRepoRoot() ?? throw new ArgumentException("cannot find the repository root (ActorRuntime.sln); pass --repo"));
        o.ResultsDir = Path.GetFullPath(results ?? Path.Combine(o.RepoRoot, "bench", "results"));
        return o;
    }

    public const string Usage = """
        usage: actorrt-bench [state|cluster|invoke|actors|pubsub|bindings|cron|metrics|tracing] [options]

        Scenario 'state': state save/get through the gateway (HTTP, gRPC; in-memory and Redis stores) beside
        StackExchange.Redis used directly against the same Redis, and a bare Kestrel endpoint in this process.

          --actorrt-bin PATH   folder with actorrt.dll (or the dll); default env ACTORRT_BIN, else build src/Cli
                               into bench/.build/actorrt
          --no-build           use bench/.build/actorrt as it is
          --repo DIR           repository root (default: found from the working directory)
          --results DIR        where result files go (default bench/results)
          --redis HOST:PORT    Redis server (default 127.0.0.1:6390)
          --duration S         time bound of a measured row (default 5)
          --max-ops N          count bound of a measured row (default 200000)
          --warmup S           time bound of each row's warm-up (default 1)
          --warmup-ops N       count bound of each row's warm-up (default 20000)
          --callers LIST       concurrent callers, comma separated (default 1,32)
          --keys N             keys the ops are spread over (default 1000)
          --payload BYTES      JSON value size (default 100)
          --ops LIST           save+get,get,save (default all three)
          --filter LIST        only rows whose label contains one of these words
          --no-kestrel         skip the bare Kestrel baseline rows
          --rounds N           repeat the whole plan N times, rows interleaved; report medians (default 1)
          --initial-warmup S   untimed save+get per target before the first row (default 5)
          --quiet CORES        before each row, wait until other processes use ≤ CORES (default 0.25)...
          --quiet-wait S       ...but no longer than S seconds (default 10; 0 = never wait)
          --runtime-env K=V    extra environment variable for the runtime process; repeatable

        Scenario 'cluster': N `actorrt silo` processes (PostgreSQL membership) and one `actorrt gateway`; state GET
        through the gateway (HTTP) vs. the same grain call from a direct Orleans client in this process, and
        save+get through the gateway. Uses --duration, --max-ops, --warmup, --warmup-ops, --callers, --keys,
        --payload, --filter, --initial-warmup, --quiet, --quiet-wait, --actorrt-bin, --no-build, plus:
          --silos LIST         silo counts, one fresh cluster each (default 1,2,3)
          --postgres CS        Npgsql connection string for membership
                               (default Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt)

        Scenario 'metrics': the cost of Dapr's metrics. Two `actorrt run` processes with the same echo app and
        in-memory state store, one with metrics on (scraped every 5 s, like a Prometheus) and one with
        --enable-metrics=false; invoke and state save+get through each, rows alternating on/off, reported as the
        ratio on ÷ off. Uses --duration, --max-ops, --warmup, --warmup-ops, --callers, --filter, --rounds,
        --initial-warmup, --quiet, --quiet-wait, --runtime-env, --actorrt-bin, --no-build.

        Scenario 'tracing': the cost of tracing (spec.tracing samplingRate "1", spans exported to a Zipkin receiver in
        this process) on invoke (gateway A → gateway B → app) and state save+get, as ratios against the same runtimes
        with tracing off; both pairs of runtimes run side by side and their rows alternate.

        Scenario 'invoke': service invocation to an echo app (Kestrel in this process): direct, through two
        `actorrt run` gateways in one machine-local cluster (A → B → app), and through gateway B alone.
        Uses --duration, --max-ops, --warmup, --warmup-ops, --callers, --filter, --rounds, --initial-warmup,
        --quiet, --quiet-wait, --runtime-env, --actorrt-bin, --no-build. Needs no Redis or PostgreSQL.

        Scenario 'actors': one `actorrt run` in front of an actor host (Kestrel in this process): method calls on
        1 id and on 1,000 ids through the gateway and directly to the app; activations/s and runtime RSS per
        activation; reminder registration rate, firing delay and deletion. Same options as 'invoke', plus:
          --actor-ids N        new ids activated once each (default 20000)
          --reminders K        reminders registered, dueTime 5s, period 10s (default 10000)

        Scenario 'bindings': output binding calls through one `actorrt run` (HTTP and gRPC) beside the same operation
        sent directly: bindings.redis `create` vs. SE.Redis SET, bindings.postgresql `exec` (parameterised INSERT ...
        ON CONFLICT) vs. Npgsql. Uses --duration, --max-ops, --warmup, --warmup-ops, --callers, --keys, --payload,
        --filter, --rounds, --quiet, --quiet-wait, --runtime-env, --redis, --postgres, --actorrt-bin, --no-build.

        Scenario 'cron': one `actorrt run` with N `bindings.cron` components `@every 1s` in front of an app in this
        process; once all fire, ticks are measured for --duration seconds: firing delay p50/p99/max, ticks
        received vs. expected, duplicates. Uses --duration, --runtime-env, --actorrt-bin, --no-build, plus:
          --cron-bindings N    cron bindings (default 1000)
        """;

    private static TimeSpan Seconds(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? TimeSpan.FromSeconds(v) : throw new ArgumentException($"'{s}' is not a positive number of seconds");

    private static int PositiveInt(string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new ArgumentException($"'{s}' is not a positive integer");

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ActorRuntime.sln"))) return dir.FullName;
        }
        return null;
    }
}

internal sealed class HelpRequested : Exception;
