using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr.Client;
using Grpc.Core;
using Autogen = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.Lifecycle;

/// <summary>Cross-cutting behaviour that needs a runtime of its own: API token, default components, no state store.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class CrossCuttingTests
{
    [Fact]
    public async Task Api_token_is_required_on_every_call_except_the_health_probes()
    {
        const string token = "e2e-secret-token";
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        var options = new RuntimeStartOptions { Environment = new Dictionary<string, string> { ["DAPR_API_TOKEN"] = token } };
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, options);

        // Health probes are exempt (StartAsync already relied on /v1.0/healthz).
        using (var outbound = await runtime.Http.GetAsync("/v1.0/healthz/outbound"))
            Assert.Equal(HttpStatusCode.NoContent, outbound.StatusCode);

        foreach (var given in new string?[] { null, "wrong-token" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata");
            if (given is not null) request.Headers.Add("dapr-api-token", given);
            using var denied = await runtime.Http.SendAsync(request);
            var body = await denied.Content.ReadAsStringAsync();
            Assert.True(denied.StatusCode == HttpStatusCode.Unauthorized, $"token '{given}': expected 401, got {(int)denied.StatusCode} {body}");
            Assert.Contains("invalid api token", body, StringComparison.OrdinalIgnoreCase);
        }
        using (var save = new HttpRequestMessage(HttpMethod.Post, "/v1.0/state/statestore") { Content = StateHttp.Json("""[{"key":"k","value":1}]""") })
        using (var denied = await runtime.Http.SendAsync(save))
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        using (var probe = new HttpRequestMessage(HttpMethod.Get, "/v1.0/state/statestore/k"))
        {
            probe.Headers.Add("dapr-api-token", token);
            using var r = await runtime.Http.SendAsync(probe);
            Assert.True(r.StatusCode == HttpStatusCode.NoContent, $"the rejected save must not have happened: {(int)r.StatusCode}");
        }

        // gRPC: no token is Unauthenticated; the SDK with the token works.
        var stub = new Autogen.Dapr.DaprClient(runtime.GrpcChannel);
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            stub.GetMetadataAsync(new Autogen.GetMetadataRequest(), deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);

        using var client = new DaprClientBuilder()
            .UseGrpcEndpoint(runtime.GrpcEndpoint).UseHttpEndpoint(runtime.HttpEndpoint.ToString().TrimEnd('/'))
            .UseDaprApiToken(token).Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SaveStateAsync("statestore", "with-token", "ok", cancellationToken: cts.Token);
        Assert.Equal("ok", await client.GetStateAsync<string>("statestore", "with-token", cancellationToken: cts.Token));
        Assert.Equal(runtime.AppId, (await client.GetMetadataAsync(cts.Token)).Id);
    }

    [Fact]
    public async Task Without_resources_path_the_default_sqlite_statestore_is_written_and_used()
    {
        using var sandbox = new RuntimeSandbox();
        var options = new RuntimeStartOptions { UseResourcesPath = false };
        await using (var runtime = await RuntimeProcess.StartAsync(sandbox, options))
        {
            var metadata = JsonNode.Parse(await runtime.Http.GetStringAsync("/v1.0/metadata"))!;
            var store = metadata["components"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "statestore")!;
            Assert.Equal("state.sqlite", store["type"]!.GetValue<string>());
            // The default store is the actor state store, as after `dapr init`.
            Assert.Contains("ACTOR", store["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
            await new StateHttp(runtime.Http).SaveAsync("statestore", "default-key", "persisted");
            await runtime.StopAsync(TimeSpan.FromSeconds(30));
        }
        Assert.True(File.Exists(Path.Combine(sandbox.Home, "components", "statestore.yaml")),
            $"no default component file under {sandbox.Home}/components");

        await using var restarted = await RuntimeProcess.StartAsync(sandbox, options);
        Assert.Equal("\"persisted\"", (await new StateHttp(restarted.Http).GetExistingAsync("statestore", "default-key")).Body);
    }

    [Fact]
    public async Task With_no_state_store_the_state_api_answers_ERR_STATE_STORES_NOT_CONFIGURED()
    {
        using var sandbox = new RuntimeSandbox(); // an empty resources folder
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        using (var get = await runtime.Http.GetAsync("/v1.0/state/statestore/k"))
            await StateHttp.ExpectErrorAsync(get, 500, "ERR_STATE_STORES_NOT_CONFIGURED", "GET with no state store");
        using (var save = await runtime.Http.PostAsync("/v1.0/state/statestore", StateHttp.Json("""[{"key":"k","value":1}]""")))
            await StateHttp.ExpectErrorAsync(save, 500, "ERR_STATE_STORES_NOT_CONFIGURED", "save with no state store");

        var stub = new Autogen.Dapr.DaprClient(runtime.GrpcChannel);
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = "statestore", Key = "k" }, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
    }
}
