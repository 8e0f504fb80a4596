using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Npgsql;
using StackExchange.Redis;
using static ActorRuntime.Bench.ScenarioCommon;
using Proto = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>bindings</c> scenario: output binding calls per second through the runtime beside the same operation sent
/// directly by a client in this process, in one run. Redis: <c>bindings.redis</c> <c>create</c> (HTTP and gRPC) vs.
/// StackExchange.Redis <c>SET</c>; PostgreSQL: <c>bindings.postgresql</c> <c>exec</c> of a parameterised
/// <c>INSERT ... ON CONFLICT DO UPDATE</c> (HTTP and gRPC) vs. the same statement through Npgsql. Keys and rows are
/// spread over <c>--keys</c>, so the table stays small.
/// </summary>
internal static class BindingsScenario
{
    private const string DirectRedis = "direct SE.Redis SET";
    private const string DirectPostgres = "direct Npgsql INSERT";

    private sealed record Row(string Target, string Backend, int Round, RowResult Result);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var table = "bench_bindings_" + Guid.NewGuid().ToString("N")[..8];
        var prefix = "bench-binding-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var resources = await ResourcesAsync(o);
        using var http = NewHttpClient(o);
        var rows = new List<Row>();
        RuntimeProcess? runtime = null;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(o.Redis);
        await using var pg = NpgsqlDataSource.Create(o.Postgres);
        await using (var create = pg.CreateCommand($"CREATE TABLE {table} (id INT PRIMARY KEY, body TEXT)")) await create.ExecuteNonQueryAsync();
        var payload = new string('x', Math.Max(1, o.PayloadBytes - 20));
        var insert = $"INSERT INTO {table} (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body";
        try
        {
            var log = Path.Combine(o.ResultsDir, $"bindings-{stamp}-runtime.log");
            runtime = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchbindings", resources, log) { Environment = o.RuntimeEnvironment }, http);
            var rt = runtime;
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{rt.GrpcPort}", new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
            });
            var grpc = new Proto.Dapr.DaprClient(channel);
            var db = redis.GetDatabase();
            var value = Encoding.UTF8.GetBytes($$"""{"v":"{{payload}}"}""");
            var httpBindings = new Uri($"http://127.0.0.1:{rt.HttpPort}/v1.0/bindings/");

            string Key(int i) => prefix + (i % o.Keys).ToString(CultureInfo.InvariantCulture);
            int Id(int i) => i % o.Keys;
            var sqlJson = System.Text.Json.JsonSerializer.Serialize(insert);

            var targets = new List<(string Name, string Backend, BenchOp Op)>
            {
                (DirectRedis, "redis", async i => await db.StringSetAsync(Key(i), value)),
                ("runtime bindings.redis create (HTTP)", "redis", i => SendOkAsync(http, HttpMethod.Post, new Uri(httpBindings, "redis-binding"),
                    Encoding.UTF8.GetBytes($$$"""{"operation":"create","data":{"v":"{{{payload}}}"},"metadata":{"key":"{{{Key(i)}}}"}}"""), "create")),
                ("runtime bindings.redis create (gRPC)", "redis", async i =>
                {
                    var request = new Proto.InvokeBindingRequest { Name = "redis-binding", Operation = "create", Data = ByteString.CopyFrom(value) };
                    request.Metadata["key"] = Key(i);
                    await grpc.InvokeBindingAsync(request);
                }),
                (DirectPostgres, "postgres", async i =>
                {
                    await using var command = pg.CreateCommand(insert);
                    command.Parameters.Add(new NpgsqlParameter { Value = Id(i) });
                    command.Parameters.Add(new NpgsqlParameter { Value = payload });
                    await command.ExecuteNonQueryAsync();
                }),
                ("runtime bindings.postgresql exec (HTTP)", "postgres", i => SendOkAsync(http, HttpMethod.Post, new Uri(httpBindings, "sqldb"),
                    Encoding.UTF8.GetBytes($$$"""{"operation":"exec","metadata":{"sql":{{{sqlJson}}},"params":"[{{{Id(i)}}}, \"{{{payload}}}\"]"}}"""), "exec")),
                ("runtime bindings.postgresql exec (gRPC)", "postgres", async i =>
                {
                    var request = new Proto.InvokeBindingRequest { Name = "sqldb", Operation = "exec" };
                    request.Metadata["sql"] = insert;
                    request.Metadata["params"] = $"[{Id(i)}, \"{payload}\"]";
                    await grpc.InvokeBindingAsync(request);
                }),
            };
            foreach (var t in targets)
                await WaitUntilAsync($"a first call to {t.Name}", TimeSpan.FromSeconds(60), async () => await t.Op(0), () => rt.Tail());

            var planned = (from c in o.Callers from t in targets select (c, t))
                .Where(p => o.Filters.Length == 0 || o.Filters.Any(f => Label(p.t.Name, p.c).Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            var runner = new RowRunner([new("bench", () => Process.GetCurrentProcess()), new("runtime", () => rt.Process)]);
            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
            {
                foreach (var (callers, t) in planned)
                {
                    if (rt.HasExited) throw new BenchFailedException($"the runtime exited; log {log}");
                    rows.Add(new Row(t.Name, t.Backend, round, await MeasureAsync(o, runner, Label(t.Name, callers), callers, t.Op, warmup, measure)));
                }
            }
        }
        finally
        {
            if (runtime is not null) await runtime.DisposeAsync();
            try
            {
                await using (var drop = pg.CreateCommand($"DROP TABLE IF EXISTS {table}")) await drop.ExecuteNonQueryAsync();
                var server = redis.GetServer(redis.GetEndPoints()[0]);
                await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000)) await redis.GetDatabase().KeyDeleteAsync(key);
            }
            catch (Exception e) when (e is NpgsqlException or RedisException)
            {
                Console.Error.WriteLine($"bench: cleanup failed: {e.Message}");
            }
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "bindings", stamp, Render(o, environment, startedAt, rows));
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static string Label(string target, int callers) => $"{target} x{callers}";

    private static async Task<string> ResourcesAsync(BenchOptions o)
    {
        var dir = Directory.CreateTempSubdirectory("actorrt-bench-bindings-").FullName;
        var pg = new NpgsqlConnectionStringBuilder(o.Postgres);
        await File.WriteAllTextAsync(Path.Combine(dir, "redis.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: redis-binding
            spec:
              type: bindings.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{o.Redis}"
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "sqldb.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: sqldb
            spec:
              type: bindings.postgresql
              version: v1
              metadata:
              - name: connectionString
                value: "host={pg.Host} port={pg.Port} user={pg.Username} database={pg.Database}{(string.IsNullOrEmpty(pg.Password) ? "" : " password=" + pg.Password)}"
            """);
        return dir;
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Output bindings: calls/s through the runtime vs. the same operation sent directly");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s). Closed loop; {o.Keys:N0} keys / rows; value ≈ {o.PayloadBytes} bytes. Redis: `create` (SET) vs. SE.Redis `SET`; PostgreSQL: `exec` of `INSERT ... ON CONFLICT (id) DO UPDATE` with `params` vs. the same statement through Npgsql (pooled).");
        sb.AppendLine("- CPU µs/op: bench process (callers, direct clients) / runtime process (silo + gateway).");
        sb.AppendLine();
        sb.AppendLine("| target | callers | calls/s | p50 ms | p99 ms | ÷ direct | CPU µs/op bench / runtime | others (cores) | errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var directName = r.Backend == "redis" ? DirectRedis : DirectPostgres;
            var d = rows.FirstOrDefault(x => x.Target == directName && x.Result.Callers == r.Result.Callers && x.Round == r.Round);
            var ratio = r.Target != directName && d is not null && d.Result.OpsPerSecond > 0 ? $"{r.Result.OpsPerSecond / d.Result.OpsPerSecond * 100:0}%" : "";
            sb.AppendLine(inv, $"| {r.Target} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {ratio} | {Cpu(r.Result, "bench", "runtime")} | {r.Result.OtherCores:0.00} | {Errors(r.Result)} |");
        }
        return sb.ToString();
    }
}
