using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Middleware;

namespace ActorRuntime.EndToEnd.Tests.Tracing;

/// <summary>One span as Zipkin's v2 JSON API receives it.</summary>
public sealed record ZipkinSpan(string TraceId, string Id, string? ParentId, string Name, string? Kind, string? Service, IReadOnlyDictionary<string, string> Tags)
{
    public override string ToString() => $"{Service} {Kind} '{Name}' {Id} parent={ParentId ?? "-"}";
}

/// <summary>A Zipkin collector stand-in: accepts <c>POST /api/v2/spans</c> (Zipkin v2 JSON) and keeps every span.</summary>
public sealed class ZipkinSink : IAsyncDisposable
{
    private readonly LocalEndpoint _endpoint;
    private readonly ConcurrentQueue<ZipkinSpan> _spans = new();

    public ZipkinSink()
    {
        _endpoint = new LocalEndpoint((request, body) =>
        {
            if (request.HttpMethod != "POST" || request.Url!.AbsolutePath != "/api/v2/spans") return (404, "text/plain", "");
            using var doc = JsonDocument.Parse(body);
            foreach (var s in doc.RootElement.EnumerateArray()) _spans.Enqueue(Read(s));
            return (202, "text/plain", "");
        });
    }

    /// <summary>What to write as <c>spec.tracing.zipkin.endpointAddress</c>.</summary>
    public string EndpointAddress => _endpoint.BaseUrl + "/api/v2/spans";

    public IReadOnlyList<ZipkinSpan> Spans => [.. _spans];

    public IReadOnlyList<ZipkinSpan> Trace(string traceId) => [.. _spans.Where(s => s.TraceId == traceId)];

    /// <summary>Waits until the spans of <paramref name="traceId"/> satisfy <paramref name="complete"/>.</summary>
    public async Task<IReadOnlyList<ZipkinSpan>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<ZipkinSpan>, bool> complete, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var spans = Trace(traceId);
            if (complete(spans)) return spans;
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"trace {traceId} incomplete after {timeout.TotalSeconds:0} s; got:\n{Describe(spans)}\n(all: {_spans.Count} spans)");
            await Task.Delay(200);
        }
    }

    public static string Describe(IEnumerable<ZipkinSpan> spans) => string.Join('\n', spans.Select(s => "  " + s));

    private static ZipkinSpan Read(JsonElement s)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.TryGetProperty("tags", out var t))
            foreach (var p in t.EnumerateObject()) tags[p.Name] = p.Value.ToString();
        return new ZipkinSpan(
            s.GetProperty("traceId").GetString()!,
            s.GetProperty("id").GetString()!,
            s.TryGetProperty("parentId", out var parent) ? parent.GetString() : null,
            s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
            s.TryGetProperty("kind", out var k) ? k.GetString() : null,
            s.TryGetProperty("localEndpoint", out var le) && le.TryGetProperty("serviceName", out var sn) ? sn.GetString() : null,
            tags);
    }

    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
