using System.Net;
using System.Text;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Observability;

/// <summary><c>--log-as-json</c>: every runtime log line is one JSON object with daprd's fields; no request body leaks.</summary>
[Collection(ObservabilityCollection.Name)]
public sealed class JsonLogTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task Log_lines_are_daprd_JSON_objects_and_never_carry_a_request_body()
    {
        using var sandbox = new RuntimeSandbox();
        sandbox.AddInMemory("statestore");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { ExtraArguments = ["--log-as-json"], LogLevel = "debug" });
        var secret = "body-secret-" + Guid.NewGuid().ToString("N");
        using (var save = await runtime.Http.PostAsync("/v1.0/state/statestore", new StringContent($$"""[{"key":"k","value":"{{secret}}"}]""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        using (var bad = await runtime.Http.PostAsync("/v1.0/state/statestore", new StringContent("{not json " + secret, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var missing = await runtime.Http.GetAsync("/v1.0/state/nostore/k")) Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        // The CLI's own status lines ("ℹ️  ...", "✅ ...") are not log entries, as with dapr run; every log entry is JSON.
        var lines = runtime.Output.Split('\n').Select(l => l.StartsWith("[stderr] ", StringComparison.Ordinal) ? l[9..] : l)
            .Where(l => l.StartsWith('{')).ToList();
        Assert.True(lines.Count >= 3, "too few JSON log lines:\n" + runtime.Describe());
        var hostName = Environment.MachineName;
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            foreach (var field in new[] { "time", "level", "msg", "scope", "type", "instance", "app_id", "ver" })
                Assert.True(root.TryGetProperty(field, out _), $"'{field}' missing in {line}");
            Assert.Equal("log", root.GetProperty("type").GetString());
            Assert.Contains(root.GetProperty("level").GetString(), new[] { "debug", "info", "warning", "error", "fatal" });
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), out _), "time is not RFC 3339: " + line);
            Assert.Equal(hostName, root.GetProperty("instance").GetString());
        }
        Assert.Contains(lines, l => l.Contains($"\"app_id\":\"{runtime.AppId}\"", StringComparison.Ordinal));
        output.WriteLine(string.Join('\n', lines.Take(5)));
        // Outside the CLI's own lines nothing else is printed as text.
        var other = runtime.Output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('{') && !l.Contains("️", StringComparison.Ordinal)
            && !l.StartsWith("WARNING: no application command", StringComparison.Ordinal) && !l.StartsWith("✅", StringComparison.Ordinal)).ToList();
        Assert.True(other.Count == 0, "non-JSON lines:\n" + string.Join('\n', other));
        Assert.DoesNotContain(secret, runtime.Output, StringComparison.Ordinal);
    }
}
