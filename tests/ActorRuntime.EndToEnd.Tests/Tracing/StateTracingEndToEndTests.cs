using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Tracing;

/// <summary>
/// A state operation's trace: the API request's server span, and under it the grain calls Orleans makes for it (its
/// activity sources), exported to Zipkin and, with <c>stdout: true</c>, printed by the runtime.
/// </summary>
public sealed class StateTracingEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_state_save_shows_its_grain_calls_under_the_server_span()
    {
        await using var zipkin = new ZipkinSink();
        using var sandbox = new RuntimeSandbox();
        sandbox.AddInMemory("statestore");
        var config = Path.Combine(sandbox.Root, "config.yaml");
        File.WriteAllText(config, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: tracing
            spec:
              tracing:
                samplingRate: "1"
                stdout: true
                zipkin:
                  endpointAddress: "{zipkin.EndpointAddress}"
            """);
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { ExtraArguments = ["--config", config] });

        var trace = Guid.NewGuid().ToString("N");
        var parent = Guid.NewGuid().ToString("N")[..16];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1.0/state/statestore") { Content = new StringContent("""[{"key":"traced","value":1}]""") };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{parent}-01");
        var response = await runtime.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        // The runtime answers with its own span's context, in the caller's trace.
        Assert.StartsWith($"00-{trace}-", response.Headers.GetValues("traceparent").Single());

        var spans = await zipkin.WaitForTraceAsync(trace, s => s.Any(x => x.Kind == "SERVER" && x.Name.Contains("Grain", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        output.WriteLine(ZipkinSink.Describe(spans));
        var server = Assert.Single(spans, s => s.ParentId == parent);
        Assert.Equal("SERVER", server.Kind);
        Assert.Equal(response.Headers.GetValues("traceparent").Single().Split('-')[2], server.Id);
        var grainCall = Assert.Single(spans, s => s.ParentId == server.Id && s.Kind == "CLIENT");
        Assert.Contains("IStateKeyGrain", grainCall.Name);
        Assert.Contains(spans, s => s.ParentId == grainCall.Id && s.Kind == "SERVER");

        // stdout: true prints the same spans on the runtime's output.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!runtime.Output.Contains(trace, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Contains(trace, runtime.Output);
    }

    [Fact]
    public async Task Otel_over_http_sends_the_spans_to_the_collector_as_OTLP_protobuf()
    {
        var posts = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string? Type, byte[] Body)>();
        await using var collector = new Middleware.LocalEndpoint((request, body) =>
        {
            posts.Enqueue((request.Url!.AbsolutePath, request.ContentType, body));
            return (200, "application/x-protobuf", "");
        });
        using var sandbox = new RuntimeSandbox();
        sandbox.AddInMemory("statestore");
        var config = Path.Combine(sandbox.Root, "config.yaml");
        File.WriteAllText(config, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: tracing
            spec:
              tracing:
                samplingRate: "1"
                otel:
                  endpointAddress: "127.0.0.1:{collector.Port}"
                  isSecure: false
                  protocol: http
            """);
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { ExtraArguments = ["--config", config] });
        var trace = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/state/statestore/none");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{Guid.NewGuid().ToString("N")[..16]}-01");
        Assert.Equal(HttpStatusCode.NoContent, (await runtime.Http.SendAsync(request)).StatusCode);

        // OTLP carries the trace id as 16 raw bytes and the service name as a string: both must be in a POST to /v1/traces.
        var traceBytes = Convert.FromHexString(trace);
        var service = System.Text.Encoding.UTF8.GetBytes(sandbox.AppId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!posts.Any(p => p.Body.AsSpan().IndexOf(traceBytes) >= 0) && DateTime.UtcNow < deadline) await Task.Delay(200);
        var post = Assert.Single(posts, p => p.Body.AsSpan().IndexOf(traceBytes) >= 0);
        Assert.Equal("/v1/traces", post.Path);
        Assert.Equal("application/x-protobuf", post.Type);
        Assert.True(post.Body.AsSpan().IndexOf(service) >= 0, "the service name (app id) is in the export");
    }
}
