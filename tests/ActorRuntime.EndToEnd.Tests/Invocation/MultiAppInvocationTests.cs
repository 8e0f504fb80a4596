using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>Invocation across several runtimes: a multi-app run file, three apps, two instances of one app id, and a kill -9.</summary>
[Collection(InvocationCollection.Name)]
public sealed class MultiAppInvocationTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task Two_apps_from_one_run_file_invoke_each_other_in_both_directions()
    {
        var root = Directory.CreateTempSubdirectory("actorrt-invoke-runfile-").FullName;
        try
        {
            var echo = await TestApps.GetAsync(TestApps.EchoApp);
            var (httpA, httpB) = (InvocationCluster.FreePort(), InvocationCluster.FreePort());
            var (idA, idB) = (InvocationCluster.NewAppId("front"), InvocationCluster.NewAppId("back"));
            Directory.CreateDirectory(Path.Combine(root, "a"));
            Directory.CreateDirectory(Path.Combine(root, "b"));
            File.WriteAllText(Path.Combine(root, "dapr.yaml"), $"""
                version: 1
                apps:
                  - appID: {idA}
                    appDirPath: ./a
                    appPort: {InvocationCluster.FreePort()}
                    daprHTTPPort: {httpA}
                    daprGRPCPort: {InvocationCluster.FreePort()}
                    command: ["dotnet", "{echo}"]
                  - appID: {idB}
                    appDirPath: ./b
                    appPort: {InvocationCluster.FreePort()}
                    daprHTTPPort: {httpB}
                    daprGRPCPort: {InvocationCluster.FreePort()}
                    command: ["dotnet", "{echo}"]
                """);
            await using var run = await CliProcess.StartAsync(Path.Combine(root, "home"), root, "run", "-f", "dapr.yaml");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            await CliProcess.WaitHealthyAsync(http, httpA, InvocationCluster.StartTimeout, run);
            await CliProcess.WaitHealthyAsync(http, httpB, InvocationCluster.StartTimeout, run);

            foreach (var (port, caller, target) in new[] { (httpA, idA, idB), (httpB, idB, idA) })
            {
                var echoed = await InvokeUntilOkAsync(http, port, target, $"from/{caller}", run);
                Assert.StartsWith(target + ":", echoed.Instance);
                Assert.Equal($"/from/{caller}", echoed.Path);
                Assert.Equal(caller, echoed.Header("dapr-caller-app-id"));
            }
            Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task App_A_calls_B_and_C_each_reaching_the_right_app()
    {
        await using var cluster = new InvocationCluster();
        var a = await cluster.StartEchoAsync(InvocationCluster.NewAppId("a"));
        var b = await cluster.StartEchoAsync(InvocationCluster.NewAppId("b"));
        var c = await cluster.StartEchoAsync(InvocationCluster.NewAppId("c"));
        await InvocationCluster.WaitUntilReachableAsync(a, b.AppId);
        await InvocationCluster.WaitUntilReachableAsync(a, c.AppId);

        for (var i = 0; i < 5; i++)
        {
            foreach (var target in new[] { b, c })
            {
                using var response = await a.Http.PostAsync($"/v1.0/invoke/{target.AppId}/method/work/{i}", new StringContent($"to {target.AppId}"));
                var echo = await Echoed.ReadAsync(response);
                Assert.Equal(HttpStatusCode.OK, echo.Status);
                Assert.StartsWith(target.AppId + ":", echo.Instance);
                Assert.Equal($"to {target.AppId}", echo.Body);
                Assert.Equal(a.AppId, echo.Header("dapr-caller-app-id"));
            }
        }
        // Each app got exactly its own five calls, once each (no duplicates, nothing for the other app).
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(1, await b.HitsAsync($"/work/{i}"));
            Assert.Equal(1, await c.HitsAsync($"/work/{i}"));
            Assert.Equal(0, await a.HitsAsync($"/work/{i}"));
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Two_instances_of_one_app_id_share_the_calls()
    {
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("lb-caller"));
        var id = InvocationCluster.NewAppId("same");
        var one = await cluster.StartEchoAsync(id);
        var two = await cluster.StartEchoAsync(id);
        await InvocationCluster.WaitUntilReachableAsync(caller, id);
        await WaitUntilBothInstancesAnswerAsync(caller, id, TimeSpan.FromSeconds(60));

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await caller.Http.GetAsync($"/v1.0/invoke/{id}/method/lb/{i}");
            var echo = await Echoed.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, echo.Status);
            counts[echo.Instance] = counts.GetValueOrDefault(echo.Instance) + 1;
        }
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.Equal(2, counts.Count);
        Assert.All(counts.Values, n => Assert.True(n >= 10, $"an instance got only {n} of 40 calls: {string.Join(", ", counts)}"));
        _ = (one, two);
    }

    [Fact(Timeout = 300_000)]
    public async Task Killing_one_instance_mid_load_fails_only_the_calls_in_flight()
    {
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("load-caller"));
        var id = InvocationCluster.NewAppId("kill");
        var survivor = await cluster.StartEchoAsync(id);
        var victim = await cluster.StartEchoAsync(id);
        await InvocationCluster.WaitUntilReachableAsync(caller, id);
        await WaitUntilBothInstancesAnswerAsync(caller, id, TimeSpan.FromSeconds(60));

        const int callers = 8;
        var duration = TimeSpan.FromSeconds(12);
        var killAt = TimeSpan.FromSeconds(3);
        var results = new ConcurrentBag<(TimeSpan At, bool Ok, string Instance, string Detail)>();
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = caller.Runtime.HttpEndpoint, Timeout = TimeSpan.FromSeconds(10) };

        async Task LoopAsync(int n)
        {
            var i = 0;
            while (clock.Elapsed < duration)
            {
                var at = clock.Elapsed;
                try
                {
                    using var response = await http.GetAsync($"/v1.0/invoke/{id}/method/load/{n}/{i++}");
                    var body = await response.Content.ReadAsStringAsync();
                    var instance = response.Headers.TryGetValues("x-echo-instance", out var v) ? v.Single() : "";
                    results.Add((at, response.StatusCode == HttpStatusCode.OK, instance, $"{(int)response.StatusCode} {body}"));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    results.Add((at, false, "", ex.Message));
                }
            }
        }

        var load = Enumerable.Range(0, callers).Select(LoopAsync).ToList();
        await Task.Delay(killAt);
        var killedAt = clock.Elapsed;
        await victim.Runtime.KillAsync(); // SIGKILL to actorrt and its app: no shutdown code runs
        await Task.WhenAll(load);

        var all = results.ToList();
        var failures = all.Where(r => !r.Ok).ToList();
        var lastWindow = all.Where(r => r.At >= duration - TimeSpan.FromSeconds(3)).ToList();
        var lastFailures = lastWindow.Count(r => !r.Ok);
        var afterKillSurvivor = all.Count(r => r.Ok && r.At > killedAt && r.Instance.StartsWith(id + ":", StringComparison.Ordinal));
        output.WriteLine($"calls {all.Count}, failures {failures.Count} (before kill {failures.Count(f => f.At < killedAt)}), " +
                         $"kill at {killedAt.TotalSeconds:0.00} s, last 3 s: {lastWindow.Count} calls / {lastFailures} failures, " +
                         $"successes after kill {afterKillSurvivor}");
        foreach (var f in failures.OrderBy(f => f.At).Take(20)) output.WriteLine($"  {f.At.TotalSeconds:0.000} s: {f.Detail}");

        Assert.True(failures.Count(f => f.At < killedAt) == 0, "calls failed before the kill");
        Assert.True(failures.Count <= 2 * callers + 4, $"{failures.Count} failures after killing one of two instances (bound {2 * callers + 4})");
        Assert.True(lastWindow.Count > 0, "no calls were made in the last 3 s");
        Assert.True(lastFailures == 0, $"{lastFailures} calls still failed in the last 3 s");
        Assert.True(afterKillSurvivor > 0, "the surviving instance answered nothing after the kill");
        _ = survivor;
    }

    private static async Task WaitUntilBothInstancesAnswerAsync(InvocationApp caller, string id, TimeSpan timeout)
    {
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && seen.Count < 2)
        {
            using var response = await caller.Http.GetAsync($"/v1.0/invoke/{id}/method/warmup");
            if (response.StatusCode == HttpStatusCode.OK) seen.Add((await Echoed.ReadAsync(response)).Instance);
            else await Task.Delay(200);
        }
        Assert.True(seen.Count == 2, $"only {seen.Count} instance(s) of {id} answered within {timeout.TotalSeconds} s: {string.Join(", ", seen)}");
    }

    private static async Task<Echoed> InvokeUntilOkAsync(HttpClient http, int port, string target, string method, CliProcess run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{port}/v1.0/invoke/{target}/method/{method}");
                if (response.StatusCode == HttpStatusCode.OK) return await Echoed.ReadAsync(response);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{target} not reachable through port {port}: {last}\n{run.Output}");
    }
}
