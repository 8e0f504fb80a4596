using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Durability;

[CollectionDefinition(Name)]
public sealed class DurabilityCollection
{
    public const string Name = "durability (SIGKILL and restart)";
}

/// <summary>
/// A 204 from a save or delete means the change is durable: the runtime is killed with SIGKILL (no shutdown code
/// runs) at various points after acknowledgements, restarted on the same <c>ACTORRT_HOME</c> and resources, and every
/// acknowledged change must be there, with an ETag that still works.
/// </summary>
[Collection(DurabilityCollection.Name)]
public sealed class CrashDurabilityTests(ITestOutputHelper output)
{
    private const string Store = "durable";
    private const int Iterations = 20;

    public static TheoryData<string> DurableStores => new() { "sqlite", "postgresql" };

    private static async Task<RuntimeSandbox> SandboxFor(string storeType)
    {
        var sandbox = new RuntimeSandbox();
        switch (storeType)
        {
            case "sqlite":
                sandbox.AddSqlite(Store);
                break;
            case "postgresql":
                await ExternalServices.EnsurePostgresAsync();
                sandbox.AddPostgres(Store);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(storeType), storeType, null);
        }
        return sandbox;
    }

    [Theory]
    [MemberData(nameof(DurableStores))]
    public async Task Every_acknowledged_write_survives_sigkill_at_random_points(string storeType)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        using var sandbox = await SandboxFor(storeType);
        var expected = new Dictionary<string, string?>(StringComparer.Ordinal); // key -> JSON text, or null once deleted
        var runtime = await RuntimeProcess.StartAsync(sandbox);
        try
        {
            for (var i = 0; i < Iterations; i++)
            {
                var api = new StateHttp(runtime.Http);
                var key = "key-" + random.Next(5);
                var mode = i % 4;
                string what;
                string? etagBeforeKill = null;
                if (mode == 3 && expected.TryGetValue(key, out var existing) && existing is not null)
                {
                    using var deleted = await api.DeleteAsync(Store, key);
                    await StateHttp.ExpectAsync(deleted, HttpStatusCode.NoContent, $"iteration {i}: delete {key}");
                    expected[key] = null;
                    what = "delete, then SIGKILL at once";
                }
                else
                {
                    var json = new JsonObject { ["iteration"] = i, ["nonce"] = Guid.NewGuid().ToString("N"), ["seed"] = seed }.ToJsonString();
                    await api.SaveJsonTextAsync(Store, key, json);
                    expected[key] = json;
                    what = "save, then SIGKILL at once";
                    if (mode == 1)
                    {
                        etagBeforeKill = (await api.GetExistingAsync(Store, key)).ETag;
                        what = "save, GET its ETag, then SIGKILL";
                    }
                    else if (mode == 2)
                    {
                        var delay = random.Next(0, 400);
                        await Task.Delay(delay);
                        what = $"save, then SIGKILL {delay} ms later";
                    }
                }

                await runtime.KillAsync();
                await runtime.DisposeAsync();
                runtime = await RuntimeProcess.StartAsync(sandbox);
                api = new StateHttp(runtime.Http);

                var context = $"{storeType}, seed {seed}, iteration {i} ({what}) on {key}";
                var read = await api.GetAsync(Store, key);
                if (expected[key] is null)
                {
                    Assert.True(read.Status == HttpStatusCode.NoContent, $"{context}: acknowledged delete undone, got {(int)read.Status} {read.Body}");
                }
                else
                {
                    Assert.True(read.Status == HttpStatusCode.OK, $"{context}: acknowledged save lost, got {(int)read.Status}\n{runtime.Describe()}");
                    Assert.True(expected[key] == read.Body, $"{context}: expected {expected[key]}, read {read.Body}");
                    Assert.False(string.IsNullOrEmpty(read.ETag), $"{context}: no ETag after restart");
                    if (etagBeforeKill is not null)
                        Assert.True(etagBeforeKill == read.ETag, $"{context}: ETag changed across the crash ({etagBeforeKill} -> {read.ETag})");

                    // The ETag read after the restart is the live one: a conditional write with it succeeds...
                    var rewritten = new JsonObject { ["iteration"] = i, ["rewritten"] = true }.ToJsonString();
                    using (var conditional = await api.SaveRawAsync(Store, new JsonArray(new JsonObject
                           {
                               ["key"] = key, ["value"] = JsonNode.Parse(rewritten), ["etag"] = read.ETag,
                           })))
                    {
                        await StateHttp.ExpectAsync(conditional, HttpStatusCode.NoContent, $"{context}: save with the ETag read after restart");
                    }
                    expected[key] = rewritten;
                    // ...and the pre-crash one is now stale.
                    using var stale = await api.SaveRawAsync(Store, new JsonArray(new JsonObject
                    {
                        ["key"] = key, ["value"] = 0, ["etag"] = read.ETag,
                    }));
                    await StateHttp.ExpectErrorAsync(stale, 409, "ERR_STATE_SAVE", $"{context}: save with a used ETag");
                }

                // Everything acknowledged in earlier iterations is still intact too.
                var bulk = await api.BulkGetAsync(Store, [.. expected.Keys]);
                foreach (var item in bulk.Select(n => n!.AsObject()))
                {
                    var k = item["key"]!.GetValue<string>();
                    if (expected[k] is null) Assert.True(item["data"] is null, $"{context}: deleted {k} came back: {item.ToJsonString()}");
                    else Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[k]!), item["data"]), $"{context}: {k} is {item.ToJsonString()}, expected {expected[k]}");
                }
            }
        }
        finally
        {
            await runtime.DisposeAsync();
            await sandbox.CleanExternalDataAsync();
        }
    }

    [Theory]
    [MemberData(nameof(DurableStores))]
    public async Task Crash_under_load_loses_no_acknowledged_write(string storeType)
    {
        const int writers = 4;
        using var sandbox = await SandboxFor(storeType);
        var runtime = await RuntimeProcess.StartAsync(sandbox);
        try
        {
            for (var round = 0; round < 2; round++)
            {
                var acked = new long[writers];
                var attempted = new long[writers];
                var floor = new long[writers];
                var unexpected = new System.Collections.Concurrent.ConcurrentQueue<string>();
                if (round > 0)
                {
                    // Continue from what survived the previous crash so the values keep increasing.
                    var api = new StateHttp(runtime.Http);
                    var reads = System.Diagnostics.Stopwatch.StartNew();
                    for (var w = 0; w < writers; w++) floor[w] = (await api.GetExistingAsync(Store, $"writer-{w}")).Json!["seq"]!.GetValue<long>();
                }

                using var stop = new CancellationTokenSource();
                var http = runtime.Http;
                var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
                {
                    for (var seq = floor[w] + 1; !stop.IsCancellationRequested; seq++)
                    {
                        Volatile.Write(ref attempted[w], seq);
                        try
                        {
                            var body = $"[{{\"key\":\"writer-{w}\",\"value\":{{\"writer\":{w},\"seq\":{seq}}}}}]";
                            using var response = await http.PostAsync($"/v1.0/state/{Store}", StateHttp.Json(body));
                            if (response.StatusCode == HttpStatusCode.NoContent) Volatile.Write(ref acked[w], seq);
                            else
                            {
                                unexpected.Enqueue($"writer {w} seq {seq}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                                return;
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                        {
                            return; // the runtime is gone
                        }
                    }
                })).ToArray();

                // A cold runtime (JIT, first grain activations) may take a while to answer at all: the ~1 s of load
                // counts from the moment every writer has had a 204, so the kill always lands mid-load.
                var warm = DateTime.UtcNow.AddSeconds(30);
                while (Enumerable.Range(0, writers).Any(w => Volatile.Read(ref acked[w]) <= floor[w]) && DateTime.UtcNow < warm && !runtime.HasExited)
                    await Task.Delay(20);
                await Task.Delay(1000); // ~1 s of load before the kill, on purpose: not a wait for a condition
                await runtime.KillAsync();
                stop.Cancel();
                var killedAt = System.Diagnostics.Stopwatch.StartNew();
                var all = Task.WhenAll(tasks);
                Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(45))) == all, "writers did not stop within 45 s of the kill");
                Assert.True(unexpected.IsEmpty, $"round {round}: non-204 answers before the kill: {string.Join("; ", unexpected)}");
                output.WriteLine($"{storeType} round {round}: writers stopped {killedAt.ElapsedMilliseconds} ms after the kill");
                output.WriteLine($"{storeType} round {round}: acknowledged {string.Join(", ", acked)}; attempted {string.Join(", ", attempted)}");
                for (var w = 0; w < writers; w++)
                    Assert.True(acked[w] > floor[w], $"round {round}: writer {w} got no 204 within 30 s; the test proves nothing.\n{runtime.Describe()}");

                await runtime.DisposeAsync();
                var restart = System.Diagnostics.Stopwatch.StartNew();
                runtime = await RuntimeProcess.StartAsync(sandbox);
                output.WriteLine($"{storeType} round {round}: restarted and healthy in {restart.ElapsedMilliseconds} ms");
                var after = new StateHttp(runtime.Http);
                for (var w = 0; w < writers; w++)
                {
                    var read = await after.GetExistingAsync(Store, $"writer-{w}");
                    var json = read.Json!;
                    Assert.Equal(w, json["writer"]!.GetValue<int>());
                    var seq = json["seq"]!.GetValue<long>();
                    Assert.True(seq >= acked[w] && seq <= attempted[w],
                        $"{storeType} round {round} writer {w}: read seq {seq}, but {acked[w]} was acknowledged and {attempted[w]} was the last attempt");
                }
            }
        }
        finally
        {
            await runtime.DisposeAsync();
            await sandbox.CleanExternalDataAsync();
        }
    }
}
