using System.Diagnostics;
using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>Turn-based concurrency, parallelism across actors, and reentrancy on and off.</summary>
[Collection(ActorCollection.Name)]
public sealed class ActorConcurrencyTests(ITestOutputHelper log)
{
    private const string Counter = "CounterActor";

    [Fact(Timeout = 300_000)]
    public async Task One_actor_runs_one_call_at_a_time_and_different_actors_run_in_parallel()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);

        // 100 concurrent calls of SlowCall(20) to one actor: never two inside it at once, so at least 100 x 20 ms.
        var id = ActorHttp.NewId("turns");
        await actors.CallIntAsync(Counter, id, "Get"); // activated before timing
        const int calls = 100, ms = 20;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => actors.CallIntAsync(Counter, id, "SlowCall", ms.ToString())));
        sw.Stop();
        log.WriteLine($"{calls} x SlowCall({ms}) on one actor: {sw.ElapsedMilliseconds} ms");
        Assert.Equal(0, await actors.CallIntAsync(Counter, id, "GetOverlaps"));
        Assert.True(sw.ElapsedMilliseconds >= calls * ms, $"{calls} serialized calls of {ms} ms took only {sw.ElapsedMilliseconds} ms");

        // 10 actors, 5 calls of 300 ms each: serially 15 s; in parallel about 1.5 s.
        var ids = Enumerable.Range(0, 10).Select(i => ActorHttp.NewId("par" + i)).ToList();
        await Task.WhenAll(ids.Select(a => actors.CallIntAsync(Counter, a, "Get")));
        const int perActor = 5, slowMs = 300;
        sw.Restart();
        await Task.WhenAll(ids.SelectMany(a => Enumerable.Range(0, perActor).Select(_ => actors.CallIntAsync(Counter, a, "SlowCall", slowMs.ToString()))));
        sw.Stop();
        var serial = ids.Count * perActor * slowMs;
        var maxConcurrency = await actors.CallIntAsync(Counter, ids[0], "GetMaxConcurrency");
        log.WriteLine($"{ids.Count} actors x {perActor} x SlowCall({slowMs}): {sw.ElapsedMilliseconds} ms (serial {serial} ms), max concurrency {maxConcurrency}");
        Assert.True(maxConcurrency > 1, $"different actors never ran at the same time (max concurrency {maxConcurrency})");
        Assert.True(sw.ElapsedMilliseconds < serial / 2, $"calls to {ids.Count} actors took {sw.ElapsedMilliseconds} ms; serially {serial} ms");
        foreach (var a in ids) Assert.Equal(0, await actors.CallIntAsync(Counter, a, "GetOverlaps"));
        Assert.True(sw.ElapsedMilliseconds >= perActor * slowMs, "each actor still ran its own calls one at a time");
    }

    [Fact(Timeout = 300_000)]
    public async Task A_self_call_works_with_reentrancy_and_fails_without_it()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);

        // ReentrantActor (reentrancy on for its type in /dapr/config entitiesConfig): A -> proxy -> B on the same id.
        var id = ActorHttp.NewId("re");
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        using (var r = await actors.InvokeAsync("ReentrantActor", id, "A", null, cts.Token))
        {
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"reentrant self-call: {(int)r.StatusCode} {body}\n{host.Describe()}");
            // The SDK's JSON may escape '>' (as \u003E): compare the decoded string.
            Assert.Equal("A>B", System.Text.Json.JsonSerializer.Deserialize<string>(body));
        }

        // NonReentrantActor: B waits for A's turn, which waits for B. The inner proxy call gives up after 10 s, so A
        // fails; whatever the runtime does (deadlock timeout or waiting), the caller must not see a success.
        var other = ActorHttp.NewId("nore");
        var sw = Stopwatch.StartNew();
        HttpStatusCode? status = null;
        string body2 = "";
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            using var r = await actors.InvokeAsync("NonReentrantActor", other, "A", null, cts.Token);
            status = r.StatusCode;
            body2 = await r.Content.ReadAsStringAsync();
        }
        catch (TaskCanceledException)
        {
            // no answer within 45 s: also not a success
        }
        log.WriteLine($"non-reentrant self-call: {(status is null ? "no answer" : ((int)status).ToString())} after {sw.ElapsedMilliseconds} ms: {body2}");
        Assert.False(status == HttpStatusCode.OK && body2.Contains("A>B", StringComparison.Ordinal),
            $"a self-call on a non-reentrant actor succeeded: {body2}");
        Assert.True(status is null || (int)status >= 400, $"expected an error status, got {(int?)status}: {body2}");

        // The actor is usable again once the failed turn is over.
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        using (var r = await actors.InvokeAsync("NonReentrantActor", other, "B", null, cts.Token))
            Assert.Equal("\"B\"", await r.Content.ReadAsStringAsync());
    }
}
