using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// Dapr's transactional outbox on <c>state.redis</c> and <c>state.postgresql</c>: a state transaction publishes one
/// event per upsert to <c>outboxPublishTopic</c> (the projection's value when the app sets one, with its
/// <c>outbox.cloudevent.*</c> overrides), and an event whose transaction committed is published even when the runtime
/// is killed with SIGKILL before it could publish.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class OutboxTests(ITestOutputHelper output)
{
    private const string Store = "outboxstore";
    private const int RedisDb = 12; // outbox records of these tests stay out of the database other tests share
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private static string StateYaml(string type, string topic, string table) => type switch
    {
        "state.redis" => ComponentYaml.Component(Store, type, ("redisHost", ExternalServices.RedisHost), ("redisDB", RedisDb.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("outboxPublishPubsub", Pubsub), ("outboxPublishTopic", topic)),
        "state.sqlite" => ComponentYaml.Component(Store, type, ("connectionString", Path.Combine(Path.GetTempPath(), table + ".sqlite")),
            ("outboxPublishPubsub", Pubsub), ("outboxPublishTopic", topic)),
        _ => ComponentYaml.Component(Store, type, ("connectionString", ExternalServices.PostgresConnectionString), ("tableName", table),
            ("outboxPublishPubsub", Pubsub), ("outboxPublishTopic", topic)),
    };

    private static async Task<HttpResponseMessage> TransactAsync(InvocationApp app, JsonArray operations)
    {
        using var content = new StringContent(new JsonObject { ["operations"] = operations }.ToJsonString(), Encoding.UTF8, "application/json");
        return await app.Http.PostAsync($"/v1.0/state/{Store}/transaction", content);
    }

    private static JsonObject Upsert(string key, JsonNode value, JsonObject? metadata = null) => new()
    {
        ["operation"] = "upsert",
        ["request"] = new JsonObject { ["key"] = key, ["value"] = value, ["metadata"] = metadata ?? new JsonObject() },
    };

    [Theory(Timeout = 300_000)]
    [InlineData("state.redis")]
    [InlineData("state.postgresql")]
    [InlineData("state.sqlite")]
    public async Task A_transaction_publishes_each_upsert_the_projection_instead_of_the_stored_value(string type)
    {
        await ExternalServices.EnsurePostgresAsync();
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var table = "outbox_" + prefix.Trim('-');
        try
        {
            var app = await StartAsync(cluster, InvocationCluster.NewAppId("ps-outbox"), prefix, s => s.AddComponent(Store, StateYaml(type, prefix + "routed", table)));

            // o1: stored {seq 1}, published the projection {seq 101} with type "special" (so it takes the /routed/special rule).
            using var response = await TransactAsync(app, [
                Upsert("o1", new JsonObject { ["seq"] = 1, ["key"] = "o1" }),
                Upsert("o1", new JsonObject { ["seq"] = 101, ["key"] = "o1" }, new JsonObject { ["outbox.projection"] = "true", ["outbox.cloudevent.type"] = "special" }),
                Upsert("o2", new JsonObject { ["seq"] = 2, ["key"] = "o2" }),
                new JsonObject { ["operation"] = "delete", ["request"] = new JsonObject { ["key"] = "o3" } },
            ]);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

            var received = await WaitForAsync(() => ReceivedAsync(app),
                r => r.Any(x => Route(x) == "/routed/special") && r.Any(x => Route(x) == "/routed/default"), Deadline,
                r => new JsonArray([.. r.Select(x => (JsonNode)x.DeepClone())]).ToJsonString() + "\n" + app.Runtime.Describe());
            Assert.Equal(101, Seq(Assert.Single(received, x => Route(x) == "/routed/special")));
            Assert.Equal(2, Seq(Assert.Single(received, x => Route(x) == "/routed/default")));
            // The stored value is the other one.
            var stored = JsonNode.Parse(await app.Http.GetStringAsync($"/v1.0/state/{Store}/o1"))!;
            Assert.Equal(1, stored["seq"]!.GetValue<int>());

            // A projection must match an upsert of its key: the whole transaction is refused, nothing is stored or sent.
            using var bad = await TransactAsync(app, [
                Upsert("o4", new JsonObject { ["seq"] = 4 }),
                Upsert("o5", new JsonObject { ["seq"] = 105 }, new JsonObject { ["outbox.projection"] = "true" }),
            ]);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("ERR_STATE_TRANSACTION", await bad.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NoContent, (await app.Http.GetAsync($"/v1.0/state/{Store}/o4")).StatusCode);
        }
        finally
        {
            if (type == "state.postgresql") await ExternalServices.DropPostgresTablesAsync(table);
            if (type == "state.sqlite") File.Delete(Path.Combine(Path.GetTempPath(), table + ".sqlite"));
        }
    }

    /// <summary>
    /// The pub/sub broker is a private Redis that is stopped before the transactions: they commit, their events cannot
    /// be published and wait in the store. The runtime is then killed with SIGKILL, the broker brought back, the runtime
    /// restarted: every committed transaction's event must arrive, in commit order per key.
    /// </summary>
    [Theory(Timeout = 420_000)]
    [InlineData("state.redis")]
    [InlineData("state.postgresql")]
    public async Task Events_of_committed_transactions_are_published_after_sigkill_and_restart(string type)
    {
        await ExternalServices.EnsurePostgresAsync();
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var table = "outbox_" + prefix.Trim('-');
        var port = FreePort();
        var broker = StartRedis(port, cluster.Root);
        try
        {
            var recordFile = Path.Combine(cluster.Root, "deliveries.jsonl");
            var pubsubYaml = ComponentYaml.Component(Pubsub, "pubsub.redis", ("redisHost", $"127.0.0.1:{port}"), ("redeliverInterval", "1s"));
            var appId = InvocationCluster.NewAppId("ps-obx-crash");
            void Prepare(RuntimeSandbox s) => s.AddComponent(Store, StateYaml(type, prefix + "orders", table));
            var app = await StartAsync(cluster, appId, prefix, Prepare, recordFile, pubsubYaml);

            broker.Kill(entireProcessTree: true);
            await broker.WaitForExitAsync();
            const int count = 30;
            for (var seq = 0; seq < count; seq++)
            {
                using var response = await TransactAsync(app, [Upsert("k" + (seq % 3), new JsonObject { ["seq"] = seq, ["key"] = "k" + (seq % 3) })]);
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }
            await app.Runtime.KillAsync();
            var pending = await PendingRecordsAsync(type, table, prefix);
            output.WriteLine($"{pending} outbox records pending when the runtime was killed");
            Assert.Equal(count, pending); // the broker was down: nothing could have been published yet

            broker = StartRedis(port, cluster.Root);
            await StartAsync(cluster, appId, prefix, Prepare, recordFile, pubsubYaml);
            static List<int> Delivered(string file) => File.Exists(file)
                ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!["seq"]!.GetValue<int>())]
                : [];
            var delivered = await WaitForAsync(() => Task.FromResult(Delivered(recordFile)), d => d.Distinct().Count() >= count, Deadline,
                d => $"{d.Distinct().Count()} of {count} delivered\n{cluster.Apps[^1].Runtime.Describe()}");
            Assert.Equal(Enumerable.Range(0, count), delivered.Distinct().Order());
            foreach (var key in Enumerable.Range(0, 3))
            {
                var ofKey = delivered.Distinct().Where(s => s % 3 == key).ToList();
                Assert.True(ofKey.SequenceEqual(ofKey.Order()), $"key k{key}: {string.Join(",", ofKey)}");
            }
            await WaitForAsync(() => PendingRecordsAsync(type, table, prefix), p => p == 0, Deadline, p => $"{p} records still pending");
        }
        finally
        {
            if (!broker.HasExited) broker.Kill(entireProcessTree: true);
            broker.Dispose();
            if (type == "state.postgresql") await ExternalServices.DropPostgresTablesAsync(table);
        }
    }

    private static async Task<int> PendingRecordsAsync(string type, string table, string prefix)
    {
        if (type == "state.postgresql")
        {
            await using var connection = new NpgsqlConnection(ExternalServices.PostgresConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM \"{table}\" WHERE key LIKE 'actorrt-outbox||%'";
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        var db = redis.GetDatabase(RedisDb);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var n = 0;
        await foreach (var key in server.KeysAsync(RedisDb, "actorrt-outbox||*"))
        {
            // Only this run's records: each names the test's topic.
            var data = (string?)await db.HashGetAsync(key, "data") ?? "";
            if (data.Contains(prefix, StringComparison.Ordinal)) n++;
        }
        return n;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process StartRedis(int port, string root)
    {
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return p;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        throw new InvalidOperationException($"redis-server did not start on port {port}");
    }
}
