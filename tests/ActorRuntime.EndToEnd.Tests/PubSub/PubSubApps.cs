using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

[CollectionDefinition(Name)]
public sealed class PubSubCollection
{
    public const string Name = "pub/sub";
}

/// <summary>
/// Starts <c>tests/apps/PubSubApp</c> (a Dapr.AspNetCore subscriber) under <c>actorrt run</c> with a <c>pubsub.redis</c>
/// component named <c>pubsub</c>, in an <see cref="InvocationCluster"/> (separate processes, one machine-local cluster).
/// Every test gets its own topic prefix, so runs sharing the test Redis never read each other's streams.
/// </summary>
public static class PubSubApps
{
    public const string AppName = "PubSubApp";
    public const string Pubsub = "pubsub";
    private static readonly HttpClient Direct = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static string NewPrefix() => $"t{Guid.NewGuid().ToString("N")[..8]}-";

    public static string RedisPubSubYaml(params (string Name, string Value)[] more) =>
        ComponentYaml.Component(Pubsub, "pubsub.redis", [("redisHost", ExternalServices.RedisHost), ("redeliverInterval", "1s"), .. more]);

    public static async Task<InvocationApp> StartAsync(InvocationCluster cluster, string appId, string prefix, Action<RuntimeSandbox>? prepare = null,
        string? recordFile = null, string? componentYaml = null)
    {
        await ExternalServices.EnsureRedisAsync();
        var env = new Dictionary<string, string> { ["TOPIC_PREFIX"] = prefix, ["PUBSUB_NAME"] = Pubsub };
        if (recordFile is not null) env["RECORD_FILE"] = recordFile;
        return await cluster.StartCommandAsync(appId, "http", await TestApps.CommandAsync(AppName), s =>
        {
            s.AddComponent(Pubsub, componentYaml ?? RedisPubSubYaml());
            prepare?.Invoke(s);
        }, environment: env);
    }

    /// <summary>What the app recorded (asked directly on its port, not through the sidecar).</summary>
    public static async Task<List<JsonObject>> ReceivedAsync(InvocationApp app) =>
        [.. JsonNode.Parse(await Direct.GetStringAsync($"http://127.0.0.1:{app.AppPort}/received"))!.AsArray().Select(n => n!.AsObject())];

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds; fails with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, Func<T, string> describe)
    {
        var sw = Stopwatch.StartNew();
        T last = await read();
        while (!done(last))
        {
            if (sw.Elapsed > timeout) Assert.Fail($"condition not met within {timeout.TotalSeconds:0}s; last: {describe(last)}");
            await Task.Delay(200);
            last = await read();
        }
        return last;
    }

    public static int Seq(JsonObject r) => r["seq"]!.GetValue<int>();
    public static string Route(JsonObject r) => r["route"]!.GetValue<string>();
}
