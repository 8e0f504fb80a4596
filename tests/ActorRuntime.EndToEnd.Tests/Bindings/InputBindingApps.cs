using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

[CollectionDefinition(Name)]
public sealed class InputBindingsCollection
{
    public const string Name = "input bindings";
}

/// <summary>
/// Apps for the input binding tests: <c>tests/node/http-binding-app.mjs</c> (plain node:http: takes the paths in
/// ROUTES, can fail its first POSTs, records each POST with its headers) and <c>tests/node/binding-app.mjs</c>
/// (the JavaScript SDK's <c>server.binding.receive</c>, HTTP or gRPC); both append JSON lines to a record file.
/// </summary>
public static class InputBindingApps
{
    public static string Cron(string name, string schedule, params (string Name, string Value)[] more) =>
        ComponentYaml.Component(name, "bindings.cron", [("schedule", schedule), .. more]);

    public static Task<InvocationApp> StartHttpAppAsync(InvocationCluster cluster, string appId, string recordFile, string routes, Action<RuntimeSandbox> prepare,
        int failFirst = 0) =>
        cluster.StartCommandAsync(appId, "http", ["node", System.IO.Path.Combine(RepoPaths.NodeTests, "http-binding-app.mjs")], prepare,
            environment: new Dictionary<string, string> { ["ROUTES"] = routes, ["RECORD_FILE"] = recordFile, ["FAIL_FIRST"] = failFirst.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public static List<JsonObject> Read(string file)
    {
        if (!File.Exists(file)) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Where(l => l.Length > 0 && l.EndsWith('}')).Select(l => JsonNode.Parse(l)!.AsObject())];
    }

    /// <summary>Polls the record file until <paramref name="done"/> holds; fails with what was recorded after <paramref name="timeout"/>.</summary>
    public static async Task<List<JsonObject>> WaitForAsync(string file, Func<List<JsonObject>, bool> done, TimeSpan timeout, Func<string> describe)
    {
        var sw = Stopwatch.StartNew();
        var last = Read(file);
        while (!done(last))
        {
            if (sw.Elapsed > timeout) Assert.Fail($"condition not met within {timeout.TotalSeconds:0}s; {last.Count} recorded\n{describe()}");
            await Task.Delay(200);
            last = Read(file);
        }
        return last;
    }

    public static string Header(JsonObject record, string name) => record["headers"]![name]?.GetValue<string>() ?? "";
    public static string PathOf(JsonObject record) => record["path"]!.GetValue<string>();
}
