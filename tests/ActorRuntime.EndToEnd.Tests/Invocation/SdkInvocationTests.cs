using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr.Client;
using Google.Protobuf;
using Greet;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;
using Autogen = Dapr.Client.Autogen.Grpc.v1;
using Common = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>Invocation through the official SDKs (Dapr.Client, @dapr/dapr), the raw gRPC stub, and gRPC proxying.</summary>
[Collection(InvocationCollection.Name)]
public sealed class SdkInvocationTests(ITestOutputHelper output)
{
    private sealed record Order(int OrderId, string Item);

    [Fact(Timeout = 300_000)]
    public async Task Dapr_Client_InvokeMethodAsync_over_HTTP_and_InvokeService_over_gRPC_reach_an_HTTP_app()
    {
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("sdk-caller"));
        var callee = await cluster.StartEchoAsync(InvocationCluster.NewAppId("sdk-callee"));
        await InvocationCluster.WaitUntilReachableAsync(caller, callee.AppId);
        using var client = caller.Runtime.CreateDaprClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // HTTP: InvokeMethodAsync -> POST /v1.0/invoke/{app}/method/{method} on the caller's gateway.
        var sent = new Order(7, "widget");
        var request = client.CreateInvokeMethodRequest(HttpMethod.Post, callee.AppId, "orders/new", [new("q", "1")], sent);
        using (var response = await client.InvokeMethodWithResponseAsync(request, cts.Token))
        {
            var echo = await Echoed.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, echo.Status);
            Assert.Equal("POST", echo.Method);
            Assert.Equal("/orders/new", echo.Path);
            Assert.Equal("?q=1", echo.Query);
            Assert.Equal(sent, JsonSerializer.Deserialize<Order>(echo.Body!, JsonSerializerOptions.Web));
        }
        // A non-2xx from the app surfaces as InvocationException carrying the app's status.
        var failed = await Assert.ThrowsAsync<InvocationException>(() =>
            client.InvokeMethodAsync(HttpMethod.Get, callee.AppId, "status/404", cts.Token));
        Assert.Equal(HttpStatusCode.NotFound, failed.Response.StatusCode);

        // CreateInvokeHttpClient: a plain HttpClient whose host is the app id.
        using (var http = DaprClient.CreateInvokeHttpClient(callee.AppId, caller.Runtime.HttpEndpoint.ToString().TrimEnd('/')))
        {
            var echo = await Echoed.ReadAsync(await http.GetAsync("/via/httpclient?x=y", cts.Token));
            Assert.Equal("/via/httpclient", echo.Path);
            Assert.Equal("?x=y", echo.Query);
        }

        // gRPC: raw Dapr.InvokeService with an HTTPExtension; the callee's gateway turns it into an HTTP call to the app.
        var stub = new Autogen.Dapr.DaprClient(caller.Runtime.GrpcChannel);
        var invoke = new Autogen.InvokeServiceRequest
        {
            Id = callee.AppId,
            Message = new Common.InvokeRequest
            {
                Method = "grpc/path",
                ContentType = "application/json",
                Data = new Google.Protobuf.WellKnownTypes.Any { Value = ByteString.CopyFromUtf8("""{"orderId":9}""") },
                HttpExtension = new Common.HTTPExtension { Verb = Common.HTTPExtension.Types.Verb.Put, Querystring = "a=b" },
            },
        };
        var reply = await stub.InvokeServiceAsync(invoke, deadline: DateTime.UtcNow.AddSeconds(30));
        using (var doc = JsonDocument.Parse(reply.Data.Value.ToStringUtf8()))
        {
            var root = doc.RootElement;
            output.WriteLine(root.ToString());
            Assert.Equal("PUT", root.GetProperty("method").GetString());
            Assert.Equal("/grpc/path", root.GetProperty("path").GetString());
            Assert.Equal("?a=b", root.GetProperty("query").GetString());
            Assert.Equal("""{"orderId":9}""", root.GetProperty("body").GetString());
        }
        Assert.StartsWith("application/json", reply.ContentType);

        // An unknown app over gRPC fails (Dapr: Internal/Unavailable), bounded in time.
        var sw = Stopwatch.StartNew();
        var unknown = await Assert.ThrowsAsync<RpcException>(() => stub.InvokeServiceAsync(
            new Autogen.InvokeServiceRequest { Id = "no-such-app-xyz", Message = new Common.InvokeRequest { Method = "x" } },
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.NotEqual(StatusCode.DeadlineExceeded, unknown.StatusCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact(Timeout = 300_000)]
    public async Task Native_gRPC_calls_with_dapr_app_id_metadata_are_proxied_to_a_gRPC_app_unary_and_streaming()
    {
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("proxy-caller"));
        var greeterId = InvocationCluster.NewAppId("greeter");
        await cluster.StartGreeterAsync(greeterId);

        using var channel = GrpcChannel.ForAddress(caller.Runtime.GrpcEndpoint);
        var greeter = new Greeter.GreeterClient(channel);
        var metadata = new Metadata { { "dapr-app-id", greeterId }, { "x-custom", "passes" } };

        // Unary (retried while the new app becomes resolvable).
        HelloReply? reply = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (reply is null)
        {
            try
            {
                reply = await greeter.SayHelloAsync(new HelloRequest { Name = "proxy" }, metadata, DateTime.UtcNow.AddSeconds(10));
            }
            catch (RpcException ex) when (DateTime.UtcNow < deadline)
            {
                output.WriteLine($"not yet: {ex.Status}");
                await Task.Delay(250);
            }
        }
        Assert.Equal("Hello proxy", reply.Message);
        Assert.StartsWith(greeterId + ":", reply.Instance);
        Assert.Contains("x-custom=passes", reply.Metadata);
        Assert.Contains(reply.Metadata, m => m.StartsWith("dapr-caller-app-id=" + caller.AppId, StringComparison.Ordinal));

        // Server streaming: every message arrives, in order.
        using var stream = greeter.SayHellos(new HelloRequest { Name = "stream", Count = 5 }, metadata, DateTime.UtcNow.AddSeconds(30));
        var messages = new List<string>();
        await foreach (var m in stream.ResponseStream.ReadAllAsync()) messages.Add(m.Message);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"Hello stream #{i}"), messages);

        // Without dapr-app-id the call is not a proxy call: the Dapr API has no greet.Greeter service.
        var notProxied = await Assert.ThrowsAsync<RpcException>(() =>
            greeter.SayHelloAsync(new HelloRequest { Name = "x" }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, notProxied.StatusCode);
    }

    [Fact(Timeout = 400_000)]
    public async Task Javascript_sdk_invokes_over_HTTP_and_gRPC()
    {
        var folder = RepoPaths.NodeTests;
        Assert.True(File.Exists(Path.Combine(folder, "invoke.test.mjs")), $"no invoke.test.mjs in {folder}");
        await Quickstarts.EnsureNodeModulesAsync(folder, output);

        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("node-caller"));
        var callee = await cluster.StartEchoAsync(InvocationCluster.NewAppId("node-callee"));
        await InvocationCluster.WaitUntilReachableAsync(caller, callee.AppId);

        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder };
        foreach (var a in new[] { "--test", "--test-reporter=spec", "invoke.test.mjs" }) psi.ArgumentList.Add(a);
        psi.Environment["DAPR_HTTP_PORT"] = caller.Runtime.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_GRPC_PORT"] = caller.Runtime.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_HOST"] = "127.0.0.1";
        psi.Environment["ACTORRT_TARGET_APP_ID"] = callee.AppId;
        psi.Environment.Remove("DAPR_API_TOKEN");
        var result = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(4));
        output.WriteLine(result.Output);

        Assert.False(result.TimedOut, $"node --test did not finish:\n{result.Output}\n{cluster.Describe()}");
        Assert.True(result.ExitCode == 0, $"node --test failed (exit {result.ExitCode}):\n{result.Output}\n{cluster.Describe()}");
        Assert.Contains("invoke over HTTP", result.Output);
        Assert.Contains("invoke over gRPC", result.Output);
        Assert.DoesNotMatch(@"fail [1-9]", result.Output);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_app_served_over_grpc_gets_http_calls_through_AppCallback_OnInvoke()
    {
        var folder = RepoPaths.NodeTests;
        await Quickstarts.EnsureNodeModulesAsync(folder, output);
        await using var cluster = new InvocationCluster();
        var caller = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("oninvoke-caller"));
        var callee = await cluster.StartCommandAsync(InvocationCluster.NewAppId("grpc-app"), "grpc", ["node", Path.Combine(folder, "grpc-app.mjs")]);
        await InvocationCluster.WaitUntilReachableAsync(caller, callee.AppId, method: "echo");

        using var response = await caller.Http.PostAsync($"/v1.0/invoke/{callee.AppId}/method/echo",
            new StringContent("""{"n":7}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode} {body}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Assert.Equal("echo", json["method"]!.GetValue<string>());
        // The body went through OnInvoke's data and came back (the SDK hands it to the handler as a string).
        var got = json["got"]!;
        var parsed = got.GetValueKind() == System.Text.Json.JsonValueKind.String ? System.Text.Json.Nodes.JsonNode.Parse(got.GetValue<string>())! : got;
        Assert.Equal(7, parsed["n"]!.GetValue<int>());
    }
}
