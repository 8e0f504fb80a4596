using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Actors;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Grpc.Core;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.Resiliency;

/// <summary>
/// <c>targets.actors</c> of a Resiliency resource applied to real actor calls: ActorHost's ResilientActor under four
/// type names, each with its own policy, called through the runtime's HTTP and gRPC actor APIs. Every assertion would
/// fail if the policy were not applied (a 10 s method would take 10 s, a failing method would fail once, an open
/// breaker would still reach the app).
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class ActorResiliencyTests(ITestOutputHelper log)
{
    private const string Resiliency = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: actor-resiliency
        spec:
          policies:
            timeouts:
              short: 1s
            retries:
              twice:
                policy: constant
                duration: 100ms
                maxRetries: 2
            circuitBreakers:
              tripOnTwo:
                maxRequests: 1
                timeout: 120s
                trip: consecutiveFailures > 1
          targets:
            actors:
              ResilientActor:
                timeout: short
              ResilientRetry:
                retry: twice
              ResilientById:
                circuitBreaker: tripOnTwo
                circuitBreakerScope: id
              ResilientByType:
                circuitBreaker: tripOnTwo
                circuitBreakerScope: type
        """;

    /// <summary>
    /// <c>actorrt run --resources-path R --app-port P -- dotnet ActorHost.dll</c>, R holding a SQLite actor state store
    /// and the Resiliency resource. (The resource is given by path: a run without <c>--resources-path</c> reads
    /// components from its default folder but not Resiliency resources.)
    /// </summary>
    private static async Task<RuntimeProcess> StartAsync(RuntimeSandbox sandbox)
    {
        sandbox.AddComponent("statestore", ComponentYaml.Component("statestore", "state.sqlite",
            ("connectionString", Path.Combine(sandbox.Data, "actors.sqlite")), ("actorStateStore", "true")));
        await File.WriteAllTextAsync(Path.Combine(sandbox.Resources, "resiliency.yaml"), Resiliency);
        var dll = await ActorApps.GetAsync(ActorApps.Host);
        return await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions
        {
            AppId = "actorhost",
            StartTimeout = StartTimeout,
            ExtraArguments = ["--app-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--", DotnetHost.Path, dll],
        });
    }

    private static async Task<int> CallsOf(ActorHttp actors, string key) =>
        await actors.CallIntAsync("ResilientActor", "probe", "CallsOf", System.Text.Json.JsonSerializer.Serialize(key));

    [Fact(Timeout = 300_000)]
    public async Task A_timeout_cuts_a_slow_method_and_a_retry_retries_a_failing_one_over_http_and_grpc()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartAsync(sandbox);
        var actors = new ActorHttp(host.Http);

        // Timeout 1 s: a 10 s method is cut, the caller gets Dapr's actor invoke error, and the app saw one call.
        var slow = ActorHttp.NewId("slow");
        var sw = Stopwatch.StartNew();
        using (var r = await actors.InvokeAsync("ResilientActor", slow, "Sleep", "10000"))
        {
            var body = await r.Content.ReadAsStringAsync();
            log.WriteLine($"slow method: {(int)r.StatusCode} {body} after {sw.ElapsedMilliseconds} ms");
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
            var error = JsonNode.Parse(body)!;
            Assert.Equal("ERR_ACTOR_INVOKE_METHOD", (string?)error["errorCode"]);
            Assert.Contains("timed out", (string?)error["message"]);
            Assert.DoesNotContain("   at ", body);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(7), $"the timeout did not cut the call: {sw.ElapsedMilliseconds} ms");
        Assert.Equal(1, await CallsOf(actors, $"ResilientActor/{slow}"));

        // The same over gRPC InvokeActor: status Internal with Dapr's message.
        sw.Restart();
        var grpc = new Runtime.Dapr.DaprClient(host.GrpcChannel);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await grpc.InvokeActorAsync(new Runtime.InvokeActorRequest
        {
            ActorType = "ResilientActor", ActorId = ActorHttp.NewId("gslow"), Method = "Sleep", Data = Google.Protobuf.ByteString.CopyFromUtf8("10000"),
        }));
        log.WriteLine($"gRPC slow method: {e.StatusCode} {e.Status.Detail} after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.Contains("timed out", e.Status.Detail);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(7), $"the timeout did not cut the gRPC call: {sw.ElapsedMilliseconds} ms");

        // Retry twice: two failures then success, one call for the caller, three for the app.
        var flaky = ActorHttp.NewId("flaky");
        Assert.Equal(3, await actors.CallIntAsync("ResilientRetry", flaky, "FailFirst", "2"));
        Assert.Equal(3, await CallsOf(actors, $"ResilientRetry/{flaky}"));

        // Retries exhausted: 1 + 2 attempts, then the app's last answer goes back as Dapr reports it.
        var broken = ActorHttp.NewId("broken");
        using (var r = await actors.InvokeAsync("ResilientRetry", broken, "FailFirst", "100"))
        {
            var error = await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_INVOKE_METHOD", "retries exhausted");
            log.WriteLine($"retries exhausted: {error.ToJsonString()}");
            Assert.Contains("error from actor service", (string?)error["message"]);
        }
        Assert.Equal(3, await CallsOf(actors, $"ResilientRetry/{broken}"));

        // A type with no policy is called once.
        var plain = ActorHttp.NewId("plain");
        using (var r = await actors.InvokeAsync("ResilientById", plain, "FailFirst", "1"))
            Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(1, await CallsOf(actors, $"ResilientById/{plain}"));
    }

    [Fact(Timeout = 300_000)]
    public async Task An_open_breaker_fails_fast_per_id_or_for_the_whole_type()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartAsync(sandbox);
        var actors = new ActorHttp(host.Http);

        foreach (var (type, scope) in new[] { ("ResilientById", "id"), ("ResilientByType", "type") })
        {
            var (a, b) = (ActorHttp.NewId("a"), ActorHttp.NewId("b"));
            // Two failures of id a open its breaker (consecutiveFailures > 1).
            for (var i = 0; i < 2; i++)
            {
                using var r = await actors.InvokeAsync(type, a, "FailFirst", "100");
                Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
            }
            Assert.Equal(2, await CallsOf(actors, $"{type}/{a}"));

            // Id a now fails fast with Dapr's actor invoke error, without reaching the app.
            var sw = Stopwatch.StartNew();
            using (var r = await actors.InvokeAsync(type, a, "FailFirst", "0"))
            {
                var (status, code, raw) = await Invocation.DaprErrorBody.ReadAsync(r);
                log.WriteLine($"{scope} scope, open breaker: {status} {raw} after {sw.ElapsedMilliseconds} ms");
                Assert.Equal((500, "ERR_ACTOR_INVOKE_METHOD"), (status, code));
                Assert.Contains("circuit breaker", raw);
            }
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"an open breaker should fail fast: {sw.ElapsedMilliseconds} ms");
            Assert.Equal(2, await CallsOf(actors, $"{type}/{a}"));

            // Id b: its own closed breaker with scope id; the type's open breaker with scope type.
            using (var r = await actors.InvokeAsync(type, b, "FailFirst", "0"))
            {
                var body = await r.Content.ReadAsStringAsync();
                if (scope == "id")
                {
                    Assert.True(r.StatusCode == HttpStatusCode.OK, $"scope id: another id should still be called: {body}");
                    Assert.Equal(1, await CallsOf(actors, $"{type}/{b}"));
                }
                else
                {
                    Assert.True(r.StatusCode == HttpStatusCode.InternalServerError && body.Contains("circuit breaker"), $"scope type: every id should fail fast: {body}");
                    Assert.Equal(0, await CallsOf(actors, $"{type}/{b}"));
                }
            }
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Reminder_callbacks_get_the_hosting_apps_retry_and_timeout()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartAsync(sandbox);
        var actors = new ActorHttp(host.Http);

        // A one-shot reminder whose first two deliveries fail: with retry twice the app gets it three times.
        var id = ActorHttp.NewId("rem");
        using (var r = await actors.PutReminderAsync("ResilientRetry", id, "fail-2", """{"dueTime":"1s"}"""))
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var fires = await WaitForLinesAsync(host, $@"RESILIENT-REMINDER {id} fail-2 (\d+)", 3, TimeSpan.FromSeconds(30), "retried reminder deliveries");
        Assert.Equal(["1", "2", "3"], fires.Select(m => m.Groups[1].Value));
        await Task.Delay(1500); // window: no fourth delivery may come (what must NOT happen)
        Assert.Equal(3, Lines(host, $@"RESILIENT-REMINDER {id} fail-2 ").Count);

        // A reminder callback that takes 10 s is cut by the type's 1 s timeout; the runtime reports it well before the
        // app's 10 s are over (timed from the moment the app started the callback).
        var slowId = ActorHttp.NewId("remslow");
        using (var r = await actors.PutReminderAsync("ResilientActor", slowId, "slow-10000", """{"dueTime":"1s"}"""))
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        await WaitForLinesAsync(host, $@"RESILIENT-REMINDER {slowId} slow-10000 1", 1, TimeSpan.FromSeconds(30), "slow reminder delivery");
        var sw = Stopwatch.StartNew();
        var cut = await WaitForLinesAsync(host, $@"{slowId}.*timed out", 1, TimeSpan.FromSeconds(30), "the timed-out reminder callback");
        log.WriteLine($"{cut[0].Value} ({sw.ElapsedMilliseconds} ms after the app started it)");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(6), $"the callback was not cut by the timeout: {sw.ElapsedMilliseconds} ms");
    }
}
