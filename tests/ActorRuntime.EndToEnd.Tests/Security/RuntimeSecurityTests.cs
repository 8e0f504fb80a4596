using System.Net;
using System.Net.Sockets;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Grpc.Core;
using Autogen = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.Security;

/// <summary>
/// A running runtime, as a user meets it: its internal port serves nobody without the cluster credential, the API
/// token can come from a file, and a store that goes away is reported with Dapr's code and no runtime internals.
/// </summary>
[Collection(Lifecycle.LifecycleCollection.Name)]
public sealed class RuntimeSecurityTests
{
    [Fact]
    public async Task The_internal_port_refuses_a_call_without_the_cluster_credential_even_with_the_API_token()
    {
        const string token = "e2e-internal-token";
        var internalPort = FreePort();
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions
        {
            Environment = new Dictionary<string, string> { ["DAPR_API_TOKEN"] = token },
            // The credential guards the internal port of clusters without mTLS (with mTLS a plaintext call cannot even connect).
            ExtraArguments = ["--dapr-internal-grpc-port", internalPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--enable-mtls=false"],
        });

        using var peer = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(20) };
        foreach (var path in new[] { $"/_actorrt/invoke/{runtime.AppId}/method", "/_actorrt/actors/T/1/method/m", "/_actorrt/pubsub/p/t" })
            foreach (var credential in new[] { null, "Zm9yZ2Vk" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{internalPort}{path}")
                {
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Content = new StringContent("{}"),
                };
                request.Headers.Add("dapr-api-token", token);
                request.Headers.Add("dapr-caller-app-id", "someone-else");
                if (credential is not null) request.Headers.Add("x-actorrt-cluster-token", credential);
                using var response = await peer.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized,
                    $"{path} with credential '{credential}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
    }

    [Fact]
    public async Task The_API_token_can_come_from_a_file()
    {
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        var file = Path.Combine(sandbox.Root, "api-token");
        await File.WriteAllTextAsync(file, "file-token-7e1\n");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { ExtraArguments = ["--dapr-api-token-file", file] });

        using (var denied = await runtime.Http.GetAsync("/v1.0/metadata"))
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata");
        request.Headers.Add("dapr-api-token", "file-token-7e1");
        using var allowed = await runtime.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.DoesNotContain("file-token-7e1", runtime.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_goes_away_is_reported_with_Dapr_codes_and_no_internals()
    {
        await ExternalServices.EnsureRedisAsync();
        using var relay = new TcpRelay(ExternalServices.RedisHost);
        using var sandbox = new RuntimeSandbox().AddComponent("flaky", ComponentYaml.Redis("flaky", $"127.0.0.1:{relay.Port}"));
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        using (var saved = await runtime.Http.PostAsync("/v1.0/state/flaky", StateHttp.Json("""[{"key":"k","value":1}]""")))
            Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);

        relay.Cut();

        // ErrorBodyScanner fails the call itself if the body carries internals; here the shape is checked too.
        using var failed = await runtime.Http.PostAsync("/v1.0/state/flaky", StateHttp.Json("""[{"key":"k","value":2}]"""));
        var body = await failed.Content.ReadAsStringAsync();
        Assert.True((int)failed.StatusCode >= 500, $"{(int)failed.StatusCode} {body}");
        Assert.Contains("\"errorCode\":\"ERR_STATE_SAVE\"", body);
        Assert.Contains("failed saving state in state store flaky", body);
        Assert.Null(ErrorBodyScanner.Leak(body));
        Assert.True(body.Length < 600, $"a short message, the detail in the log: {body}");
        Assert.Contains("correlation id", body);

        using var read = await runtime.Http.GetAsync("/v1.0/state/flaky/k");
        var readBody = await read.Content.ReadAsStringAsync();
        Assert.Contains("\"errorCode\":\"ERR_STATE_GET\"", readBody);

        var stub = new Autogen.Dapr.DaprClient(runtime.GrpcChannel);
        var ex = await Assert.ThrowsAsync<RpcException>(() => stub.SaveStateAsync(new Autogen.SaveStateRequest
        {
            StoreName = "flaky",
            States = { new Dapr.Client.Autogen.Grpc.v1.StateItem { Key = "k", Value = Google.Protobuf.ByteString.CopyFromUtf8("3") } },
        }, deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        Assert.Null(ErrorBodyScanner.Leak(ex.Status.Detail));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
