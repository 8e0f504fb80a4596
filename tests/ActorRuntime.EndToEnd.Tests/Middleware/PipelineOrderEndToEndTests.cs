using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Middleware;

/// <summary>
/// <c>spec.httpPipeline</c> runs its handlers in the declared order: with routeralias before routerchecker an alias
/// reaches the state API; with routerchecker first the same alias is refused with 400 before it is rewritten. Also
/// ratelimit's 429 and a start-up that stops on a pipeline mistake.
/// </summary>
public sealed class PipelineOrderEndToEndTests
{
    private static void Prepare(RuntimeSandbox sandbox, params string[] handlers)
    {
        sandbox.AddInMemory("statestore");
        sandbox.AddComponent("routeralias", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: routeralias
            spec:
              type: middleware.http.routeralias
              version: v1
              metadata:
                - name: "routes"
                  value: |
                    {
                      "/shop/stock": "/v1.0/state/statestore/stock",
                      "/shop/save": "/v1.0/state/statestore"
                    }
            """);
        sandbox.AddComponent("routerchecker", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: routerchecker
            spec:
              type: middleware.http.routerchecker
              version: v1
              metadata:
              - name: rule
                value: "^/v1\\.0/[A-Za-z0-9/._?=&-]+$"
            """);
        sandbox.AddComponent("ratelimit", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: ratelimit
            spec:
              type: middleware.http.ratelimit
              version: v1
              metadata:
              - name: maxRequestsPerSecond
                value: 3
            """);
        var types = new Dictionary<string, string>
        {
            ["routeralias"] = "middleware.http.routeralias", ["routerchecker"] = "middleware.http.routerchecker", ["ratelimit"] = "middleware.http.ratelimit",
        };
        File.WriteAllText(Path.Combine(sandbox.Root, "config.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: pipeline\nspec:\n  httpPipeline:\n    handlers:\n"
            + string.Concat(handlers.Select(h => $"    - name: {h}\n      type: {types.GetValueOrDefault(h, "middleware.http.bearer")}\n")));
    }

    private static Task<RuntimeProcess> StartAsync(RuntimeSandbox sandbox) =>
        RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { ExtraArguments = ["--config", Path.Combine(sandbox.Root, "config.yaml")] });

    [Fact]
    public async Task Routeralias_before_routerchecker_lets_aliases_through_and_the_reverse_refuses_them()
    {
        using var aliasFirst = new RuntimeSandbox();
        using var checkerFirst = new RuntimeSandbox();
        Prepare(aliasFirst, "routeralias", "routerchecker");
        Prepare(checkerFirst, "routerchecker", "routeralias");
        var started = await Task.WhenAll(StartAsync(aliasFirst), StartAsync(checkerFirst));
        await using var a = started[0];
        await using var c = started[1];

        var save = await a.Http.PostAsync("/shop/save", new StringContent("""[{"key":"stock","value":7}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        var read = await a.Http.GetAsync("/shop/stock?consistency=strong");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("7", await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Http.GetAsync("/v1.0/state/statestore/bad key")).StatusCode);

        var refused = await c.Http.GetAsync("/shop/stock");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid router", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await c.Http.GetAsync("/v1.0/state/statestore/stock")).StatusCode);
    }

    [Fact]
    public async Task Ratelimit_answers_429_past_the_limit()
    {
        using var sandbox = new RuntimeSandbox();
        Prepare(sandbox, "ratelimit");
        await using var runtime = await StartAsync(sandbox);
        // Sent at once, so even a slow machine puts more than 3 in the same second.
        var statuses = (await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => runtime.Http.GetAsync("/v1.0/state/statestore/k"))))
            .Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.NoContent, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task A_handler_naming_a_missing_component_stops_start_up_naming_file_and_field()
    {
        using var sandbox = new RuntimeSandbox();
        Prepare(sandbox, "routeralias", "oauth");
        var e = await Assert.ThrowsAnyAsync<Exception>(async () => { await using var r = await StartAsync(sandbox); });
        Assert.Contains("config.yaml", e.Message);
        Assert.Contains("component 'oauth'", e.Message);
        Assert.Contains("spec.httpPipeline.handlers[1].name", e.Message);
    }

    [Fact]
    public async Task A_middleware_component_with_a_bad_rule_stops_start_up_naming_file_and_field()
    {
        using var sandbox = new RuntimeSandbox();
        Prepare(sandbox, "routerchecker");
        sandbox.AddComponent("routerchecker", ComponentYaml.Component("routerchecker", "middleware.http.routerchecker", ("rule", "^/v1.0/[a-z")));
        var e = await Assert.ThrowsAnyAsync<Exception>(async () => { await using var r = await StartAsync(sandbox); });
        Assert.Contains("routerchecker.yaml", e.Message);
        Assert.Contains("component 'routerchecker'", e.Message);
        Assert.Contains("field 'rule'", e.Message);
    }
}
