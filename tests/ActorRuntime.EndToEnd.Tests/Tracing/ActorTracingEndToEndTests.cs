using System.Globalization;
using System.Net;
using ActorRuntime.EndToEnd.Tests.Actors;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Tracing;

/// <summary>
/// An actor call's trace reaches the app that hosts the actor: the API's server span, the grain calls Orleans makes
/// for it, and the call into ActorHost, all linked parent to child.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class ActorTracingEndToEndTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task An_actor_call_is_traced_through_its_grains_down_to_the_hosting_app()
    {
        await using var zipkin = new ZipkinSink();
        using var sandbox = new RuntimeSandbox();
        var config = Path.Combine(sandbox.Root, "config.yaml");
        File.WriteAllText(config, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: tracing
            spec:
              tracing:
                samplingRate: "1"
                zipkin:
                  endpointAddress: "{zipkin.EndpointAddress}"
            """);
        var dll = await ActorApps.GetAsync(ActorApps.Host);
        var appPort = ActorRuns.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var host = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions
        {
            AppId = "actorhost",
            UseResourcesPath = false,
            StartTimeout = ActorRuns.StartTimeout,
            ExtraArguments = ["--config", config, "--app-port", appPort, "--", DotnetHost.Path, dll],
        });

        var trace = Guid.NewGuid().ToString("N");
        var parent = Guid.NewGuid().ToString("N")[..16];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/actors/CounterActor/{Guid.NewGuid():N}/method/Increment");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{parent}-01");
        var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        static bool IsAppCall(ZipkinSpan s) => s.Kind == "CLIENT" && s.Tags.Values.Any(v => v.Contains("/actors/CounterActor/", StringComparison.Ordinal));
        var spans = await zipkin.WaitForTraceAsync(trace, s => s.Any(IsAppCall) && s.Any(x => x.ParentId == parent), TimeSpan.FromSeconds(30));
        output.WriteLine(ZipkinSink.Describe(spans));

        var api = Assert.Single(spans, s => s.ParentId == parent);
        Assert.Equal("SERVER", api.Kind);
        // Walk up from the call into the app: it must reach the API's span through at least one grain call.
        var byId = spans.ToDictionary(s => s.Id);
        var path = new List<ZipkinSpan>();
        for (var s = spans.First(IsAppCall); s is not null; s = s.ParentId is { } p && byId.TryGetValue(p, out var up) ? up : null)
            path.Add(s);
        Assert.Equal(api.Id, path[^1].Id);
        Assert.Contains(path, s => s.Kind == "SERVER" && s.Name.Contains("Grain", StringComparison.Ordinal));
        Assert.Contains(path, s => s.Kind == "CLIENT" && s.Name.Contains("Grain", StringComparison.Ordinal));
    }
}
