using System.Globalization;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Bindings.InputBindingApps;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>
/// <c>bindings.cron</c> delivered to a plain HTTP app as daprd delivers input events: <c>POST {route}</c>, empty body,
/// <c>Content-Type: application/json</c>, the event's metadata as headers; only bindings the app answers
/// <c>OPTIONS</c> for; never an <c>output</c>-only component; a failing handler retried by the inbound policy.
/// </summary>
[Collection(InputBindingsCollection.Name)]
public sealed class CronInputBindingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 300_000)]
    public async Task Cron_ticks_reach_the_declared_route_once_per_second_and_undeclared_or_output_only_bindings_get_nothing()
    {
        await using var cluster = new InvocationCluster();
        var record = System.IO.Path.Combine(cluster.Root, "record.jsonl");
        // The app takes /ticks and /outonly; it answers 404 to OPTIONS /undeclared.
        var app = await StartHttpAppAsync(cluster, InvocationCluster.NewAppId("cron-http"), record, "/ticks,/outonly", s =>
        {
            s.AddComponent("tick", Cron("tick", "@every 1s", ("route", "/ticks")));
            s.AddComponent("undeclared", Cron("undeclared", "* * * * * *"));
            s.AddComponent("outonly", Cron("outonly", "* * * * * *", ("direction", "output")));
        });
        var got = await WaitForAsync(record, r => r.Count >= 5, Deadline, app.Runtime.Describe);
        await Task.Delay(1500); // anything wrongly delivered to the other two would have arrived by now
        got = Read(record);
        foreach (var r in got.Take(3)) output.WriteLine(r.ToJsonString());
        Assert.All(got, r => Assert.Equal("/ticks", PathOf(r)));
        Assert.All(got, r => Assert.Equal("application/json", Header(r, "content-type")));
        Assert.All(got, r => Assert.Equal("", r["body"]!.GetValue<string>()));
        Assert.All(got, r => Assert.NotEqual("", Header(r, "timezone")));
        // One event per tick: distinct fire times, a second apart.
        var fired = got.Select(r => DateTime.ParseExact(Header(r, "readtimeutc")[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(fired.Count, fired.Distinct().Count());
        Assert.All(fired.Zip(fired.Skip(1)), p => Assert.Equal(1, (p.Second - p.First).TotalSeconds, 0.01));
    }

    private const string ResiliencyYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: binding-resiliency
        spec:
          policies:
            retries:
              bindingRetry:
                policy: constant
                duration: 200ms
                maxRetries: 5
          targets:
            components:
              nightly:
                inbound:
                  retry: bindingRetry
        """;

    [Fact(Timeout = 300_000)]
    public async Task A_failing_handler_is_retried_by_the_inbound_policy_until_it_takes_the_event()
    {
        await using var cluster = new InvocationCluster();
        var record = System.IO.Path.Combine(cluster.Root, "record.jsonl");
        var app = await StartHttpAppAsync(cluster, InvocationCluster.NewAppId("cron-retry"), record, "/nightly", s =>
        {
            s.AddComponent("nightly", Cron("nightly", "*/5 * * * * *"));
            s.AddComponent("resiliency", ResiliencyYaml);
        }, failFirst: 2);
        var got = await WaitForAsync(record, r => r.Any(x => x["status"]!.GetValue<int>() == 200), Deadline, app.Runtime.Describe);
        foreach (var r in got) output.WriteLine(r.ToJsonString());
        Assert.Equal([500, 500, 200], got.Take(3).Select(r => r["status"]!.GetValue<int>()));
        // The same event three times: same fire time.
        Assert.Single(got.Take(3).Select(r => Header(r, "readtimeutc")).Distinct());
    }
}
