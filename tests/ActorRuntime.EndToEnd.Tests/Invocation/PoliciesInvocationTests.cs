using System.Diagnostics;
using System.Net;
using System.Text;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>Resiliency policies (caller side), access control (callee side) and body size limits.</summary>
[Collection(InvocationCollection.Name)]
public sealed class PoliciesInvocationTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task App_max_concurrency_and_the_app_api_token_apply_to_calls_into_the_app()
    {
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("limit-caller"));
        var calleeId = InvocationCluster.NewAppId("limited");
        await cluster.StartEchoAsync(calleeId, extraArguments: ["--app-max-concurrency", "1"],
            environment: new Dictionary<string, string> { ["APP_API_TOKEN"] = "app-secret" });
        await InvocationCluster.WaitUntilReachableAsync(caller, calleeId);

        // The callee's gateway sends APP_API_TOKEN as dapr-api-token; a token the caller sends does not pass through.
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/invoke/{calleeId}/method/token") { Content = new StringContent("t") };
        using (var response = await caller.Http.SendAsync(request))
        {
            var echo = await Echoed.ReadAsync(response);
            Assert.Equal("app-secret", echo.Header("dapr-api-token"));
        }

        // One call at a time into the app: four 400 ms calls sent together take at least four times 400 ms.
        var sw = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 4).Select(async i =>
        {
            using var r = await caller.Http.PostAsync($"/v1.0/invoke/{calleeId}/method/slow/400?i={i}", new StringContent("x"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        });
        await Task.WhenAll(calls);
        output.WriteLine($"4 parallel 400 ms calls with --app-max-concurrency 1: {sw.ElapsedMilliseconds} ms");
        Assert.True(sw.ElapsedMilliseconds >= 1550, $"calls overlapped in the app: {sw.ElapsedMilliseconds} ms");
    }

    [Fact(Timeout = 300_000)]
    public async Task An_app_failing_its_health_checks_gets_no_calls_until_it_is_healthy_again()
    {
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("health-caller"));
        // The probe path fails its first 8 probes (EchoApp's /flaky), then succeeds: 1 s interval, threshold 2.
        var sickId = InvocationCluster.NewAppId("sick");
        var sick = await cluster.StartEchoAsync(sickId, extraArguments:
        [
            "--enable-app-health-check", "--app-health-check-path", "/flaky/health?failures=8",
            "--app-health-probe-interval", "1", "--app-health-threshold", "2",
        ]);

        // While unhealthy (probes 2-8 fail) it leaves the directory: calls fail with Dapr's error and never reach it.
        var sawRefusal = false;
        var deadline = DateTime.UtcNow.AddSeconds(8);
        while (DateTime.UtcNow < deadline && !sawRefusal)
        {
            using var r = await caller.Http.PostAsync($"/v1.0/invoke/{sickId}/method/work", new StringContent("x"));
            if (r.StatusCode == HttpStatusCode.InternalServerError && (await r.Content.ReadAsStringAsync()).Contains("ERR_DIRECT_INVOKE")) sawRefusal = true;
            else await Task.Delay(200);
        }
        Assert.True(sawRefusal, "an unhealthy app still got calls\n" + cluster.Describe());
        var hitsWhileSick = await sick.HitsAsync("/work");

        // The ninth probe succeeds: the app is back, and calls reach it again.
        await InvocationCluster.WaitUntilReachableAsync(caller, sickId, TimeSpan.FromSeconds(30), method: "work");
        Assert.True(await sick.HitsAsync("/work") > hitsWhileSick);
        output.WriteLine($"calls that reached the app before it was marked unhealthy: {hitsWhileSick}");
    }

    [Fact(Timeout = 300_000)]
    public async Task Resiliency_retries_a_flaky_app_and_an_open_circuit_breaker_fails_fast_without_reaching_the_app()
    {
        await using var cluster = new InvocationCluster();
        var flakyId = InvocationCluster.NewAppId("flaky");
        var brokenId = InvocationCluster.NewAppId("broken");
        // Resiliency lives in the caller's resources: it governs the caller's outbound calls to these app ids.
        var resiliency = $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: invoke-resiliency
            spec:
              policies:
                retries:
                  threeQuickRetries:
                    policy: constant
                    duration: 100ms
                    maxRetries: 3
                circuitBreakers:
                  tripAfterThree:
                    maxRequests: 1
                    interval: 0s
                    timeout: 5s
                    trip: consecutiveFailures > 2
              targets:
                apps:
                  {flakyId}:
                    retry: threeQuickRetries
                  {brokenId}:
                    circuitBreaker: tripAfterThree
            """;
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("resilient-caller"),
            s => File.WriteAllText(Path.Combine(s.Resources, "resiliency.yaml"), resiliency));
        var flaky = await cluster.StartEchoAsync(flakyId);
        var broken = await cluster.StartEchoAsync(brokenId);
        await InvocationCluster.WaitUntilReachableAsync(caller, flakyId);
        await InvocationCluster.WaitUntilReachableAsync(caller, brokenId);

        // Retry: two 500s then success; the caller only sees the success, and the app saw three attempts.
        using (var response = await caller.Http.PostAsync($"/v1.0/invoke/{flakyId}/method/flaky/k?failures=2", new StringContent("retried body")))
        {
            var echo = await Echoed.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, echo.Status);
            Assert.Equal("retried body", echo.Body); // the body is replayed on each attempt
        }
        Assert.Equal(3, await flaky.HitsAsync("/flaky/k"));

        // Retries exhausted: 1 + 3 attempts, then the app's last 500 comes back to the caller.
        using (var response = await caller.Http.GetAsync($"/v1.0/invoke/{flakyId}/method/flaky/never?failures=100"))
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(4, await flaky.HitsAsync("/flaky/never"));

        // Circuit breaker: three failures pass through (the app's 500 and body), then the circuit is open.
        for (var i = 0; i < 3; i++)
        {
            using var response = await caller.Http.GetAsync($"/v1.0/invoke/{brokenId}/method/status/500");
            var echo = await Echoed.ReadAsync(response);
            Assert.Equal(HttpStatusCode.InternalServerError, echo.Status);
        }
        Assert.Equal(3, await broken.HitsAsync("/status/500"));
        var sw = Stopwatch.StartNew();
        using (var open = await caller.Http.GetAsync($"/v1.0/invoke/{brokenId}/method/status/500"))
        {
            var (status, code, raw) = await DaprErrorBody.ReadAsync(open);
            output.WriteLine($"open circuit: {status} {raw} after {sw.ElapsedMilliseconds} ms");
            Assert.Equal(500, status);
            Assert.Equal("ERR_DIRECT_INVOKE", code);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"an open circuit should fail fast, took {sw.ElapsedMilliseconds} ms");
        Assert.Equal(3, await broken.HitsAsync("/status/500")); // the fourth call never reached the app
        // Other paths of the same app id share the breaker (target = app id).
        using (var alsoOpen = await caller.Http.GetAsync($"/v1.0/invoke/{brokenId}/method/fine"))
            Assert.Equal(HttpStatusCode.InternalServerError, alsoOpen.StatusCode);
        Assert.Equal(0, await broken.HitsAsync("/fine"));

        // After the 5 s timeout the breaker is half-open: one successful probe closes it. Until then each call fails
        // fast without reaching the app, so polling does not change what the app sees.
        var halfOpenBy = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var probed = HttpStatusCode.InternalServerError;
        while (probed != HttpStatusCode.OK && DateTime.UtcNow < halfOpenBy)
        {
            await Task.Delay(250);
            using var probe = await caller.Http.GetAsync($"/v1.0/invoke/{brokenId}/method/fine");
            probed = probe.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, probed);
        Assert.True(sw.Elapsed > TimeSpan.FromSeconds(4), $"the breaker let a call through after {sw.ElapsedMilliseconds} ms, before its 5 s timeout");
        using (var closed = await caller.Http.GetAsync($"/v1.0/invoke/{brokenId}/method/fine"))
            Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(2, await broken.HitsAsync("/fine"));
    }

    [Fact(Timeout = 300_000)]
    public async Task Access_control_on_the_callee_allows_the_listed_operation_and_denies_the_rest_with_403()
    {
        await using var cluster = new InvocationCluster();
        var callerId = InvocationCluster.NewAppId("acl-caller");
        var otherId = InvocationCluster.NewAppId("acl-stranger");
        var calleeId = InvocationCluster.NewAppId("acl-callee");
        var config = Path.Combine(cluster.Root, "acl-config.yaml");
        File.WriteAllText(config, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: aclconfig
            spec:
              accessControl:
                defaultAction: deny
                trustDomain: "public"
                policies:
                - appId: {callerId}
                  defaultAction: deny
                  trustDomain: "public"
                  namespace: "default"
                  operations:
                  - name: /allowed/*
                    httpVerb: ["POST"]
                    action: allow
            """);
        var caller = await cluster.StartWithoutAppAsync(callerId);
        var stranger = await cluster.StartWithoutAppAsync(otherId);
        var callee = await cluster.StartEchoAsync(calleeId, extraArguments: ["--config", config]);

        // Allowed: POST /allowed/<one segment> from the listed app id. Retry while name resolution settles.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HttpResponseMessage allowed;
        while (true)
        {
            allowed = await caller.Http.PostAsync($"/v1.0/invoke/{calleeId}/method/allowed/op", new StringContent("ok"));
            if (allowed.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline) break;
            allowed.Dispose();
            await Task.Delay(250);
        }
        using (allowed)
        {
            var echo = await Echoed.ReadAsync(allowed);
            Assert.Equal(HttpStatusCode.OK, echo.Status);
            Assert.Equal("/allowed/op", echo.Path);
        }

        // Denied: wrong verb, path outside the rule, and any call from an app with no policy (global default deny).
        foreach (var (who, verb, path) in new[]
        {
            (caller, HttpMethod.Get, "allowed/op"),
            (caller, HttpMethod.Post, "secret/op"),
            (caller, HttpMethod.Post, "allowed/a/b"), // "/*" matches one segment only
            (stranger, HttpMethod.Post, "allowed/op"),
        })
        {
            using var request = new HttpRequestMessage(verb, $"/v1.0/invoke/{calleeId}/method/{path}") { Content = new StringContent("x") };
            using var denied = await who.Http.SendAsync(request);
            // Dapr: the callee's PermissionDenied becomes HTTP 403 with errorCode ERR_DIRECT_INVOKE (pkg/api/http/directmessaging.go).
            await DaprErrorBody.ExpectAsync(denied, 403, "ERR_DIRECT_INVOKE", $"{who.AppId} {verb} {path}");
        }
        Assert.Equal(0, await callee.HitsAsync("/secret/op"));
        Assert.Equal(0, await callee.HitsAsync("/allowed/a/b"));
        Assert.Equal(1, await callee.HitsAsync("/allowed/op"));

        // Percent-encoded paths are decoded before the ACL check, so they cannot slip past a rule.
        using (var encoded = await caller.Http.PostAsync($"/v1.0/invoke/{calleeId}/method/allowed%2F..%2Fsecret%2Fop", new StringContent("x")))
            Assert.Equal(HttpStatusCode.Forbidden, encoded.StatusCode);
        Assert.Equal(0, await callee.HitsAsync("/secret/op"));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_10_MB_body_passes_with_max_request_size_16_and_5_MB_is_rejected_with_413_by_default()
    {
        await using var cluster = new InvocationCluster();
        string[] big = ["--dapr-http-max-request-size", "16"];
        var bigCaller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("big-caller"), extraArguments: big);
        var bigCallee = await cluster.StartEchoAsync(InvocationCluster.NewAppId("big-callee"), extraArguments: big);
        var smallCaller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("small-caller"));
        await InvocationCluster.WaitUntilReachableAsync(bigCaller, bigCallee.AppId);
        await InvocationCluster.WaitUntilReachableAsync(smallCaller, bigCallee.AppId);

        var tenMb = new byte[10 * 1024 * 1024];
        Random.Shared.NextBytes(tenMb);
        using (var response = await bigCaller.Http.PostAsync($"/v1.0/invoke/{bigCallee.AppId}/method/large", new ByteArrayContent(tenMb)))
        {
            var echo = await Echoed.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, echo.Status);
            Assert.Equal(tenMb.Length, echo.BodyLength);
        }

        var fiveMb = new byte[5 * 1024 * 1024];
        using (var rejected = await smallCaller.Http.PostAsync($"/v1.0/invoke/{bigCallee.AppId}/method/large", new ByteArrayContent(fiveMb)))
        {
            var (status, code, raw) = await DaprErrorBody.ReadAsync(rejected);
            output.WriteLine($"5 MB through a default (4 MB) gateway: {status} {raw}");
            Assert.Equal(413, status);
            Assert.False(string.IsNullOrEmpty(code), $"expected a Dapr error body with an errorCode, got: {raw}");
        }
        Assert.Equal(1, await bigCallee.HitsAsync("/large")); // only the 10 MB call reached the app
    }

    [Fact(Timeout = 300_000)]
    public async Task DaprHTTPMaxRequestSize_in_a_run_file_raises_the_body_limit()
    {
        var root = Directory.CreateTempSubdirectory("actorrt-invoke-bodysize-").FullName;
        try
        {
            var echo = await TestApps.GetAsync(TestApps.EchoApp);
            var (httpA, httpB) = (InvocationCluster.FreePort(), InvocationCluster.FreePort());
            var (idA, idB) = (InvocationCluster.NewAppId("bigfront"), InvocationCluster.NewAppId("bigback"));
            Directory.CreateDirectory(Path.Combine(root, "a"));
            Directory.CreateDirectory(Path.Combine(root, "b"));
            File.WriteAllText(Path.Combine(root, "dapr.yaml"), $"""
                version: 1
                apps:
                  - appID: {idA}
                    appDirPath: ./a
                    daprHTTPMaxRequestSize: 16
                    daprHTTPPort: {httpA}
                    daprGRPCPort: {InvocationCluster.FreePort()}
                  - appID: {idB}
                    appDirPath: ./b
                    daprHTTPMaxRequestSize: 16
                    appPort: {InvocationCluster.FreePort()}
                    daprHTTPPort: {httpB}
                    daprGRPCPort: {InvocationCluster.FreePort()}
                    command: ["dotnet", "{echo}"]
                """);
            await using var run = await CliProcess.StartAsync(Path.Combine(root, "home"), root, "run", "-f", "dapr.yaml");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            await CliProcess.WaitHealthyAsync(http, httpA, InvocationCluster.StartTimeout, run);
            await CliProcess.WaitHealthyAsync(http, httpB, InvocationCluster.StartTimeout, run);

            var tenMb = new byte[10 * 1024 * 1024];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                using var response = await http.PostAsync($"http://127.0.0.1:{httpA}/v1.0/invoke/{idB}/method/large", new ByteArrayContent(tenMb));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Contains($"\"bodyLength\":{tenMb.Length}", body);
                    break;
                }
                Assert.True(response.StatusCode != HttpStatusCode.RequestEntityTooLarge, $"daprHTTPMaxRequestSize: 16 was not applied: {body}");
                Assert.True(DateTime.UtcNow < deadline, $"{idB} not reachable: {(int)response.StatusCode} {body}\n{run.Output}");
                await Task.Delay(250);
            }
            await run.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
