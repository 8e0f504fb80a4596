using System.Net;
using System.Net.Sockets;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Lifecycle;

[CollectionDefinition(Name)]
public sealed class LifecycleCollection
{
    public const string Name = "runtime lifecycle (own processes)";
}

/// <summary>Each test starts its own runtime and ends it: <c>POST /v1.0/shutdown</c>, gRPC <c>Shutdown</c>, SIGTERM.</summary>
[Collection(LifecycleCollection.Name)]
public sealed class ShutdownTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Post_shutdown_answers_204_and_the_process_exits_by_itself()
    {
        using var sandbox = new RuntimeSandbox().AddSqlite("statestore");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        await new StateHttp(runtime.Http).SaveAsync("statestore", "k", "v");

        using (var r = await runtime.Http.PostAsync("/v1.0/shutdown", content: null))
        {
            await StateHttp.ExpectAsync(r, HttpStatusCode.NoContent, "POST /v1.0/shutdown");
            Assert.Equal("", await r.Content.ReadAsStringAsync());
        }
        var code = await runtime.WaitForExitAsync(ExitTimeout);
        Assert.True(code is not null, $"still running {ExitTimeout.TotalSeconds} s after POST /v1.0/shutdown.\n{runtime.Describe()}");
        Assert.True(code == 0, $"exit code {code} after a requested shutdown.\n{runtime.Describe()}");
        await AssertPortClosedAsync(runtime.HttpPort);
    }

    [Fact]
    public async Task Get_shutdown_is_not_a_shutdown()
    {
        // GET /v1.0/shutdown was removed in Dapr 1.4: it must not stop the runtime.
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        using (var r = await runtime.Http.GetAsync("/v1.0/shutdown"))
            Assert.NotEqual(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Null(await runtime.WaitForExitAsync(TimeSpan.FromSeconds(2)));
        using var health = await runtime.Http.GetAsync("/v1.0/healthz");
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
    }

    [Fact]
    public async Task Sdk_ShutdownSidecarAsync_stops_the_runtime()
    {
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);
        using var client = runtime.CreateDaprClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await client.ShutdownSidecarAsync(cts.Token);
        var code = await runtime.WaitForExitAsync(ExitTimeout);
        Assert.True(code is not null, $"still running after gRPC Shutdown.\n{runtime.Describe()}");
        Assert.True(code == 0, $"exit code {code} after gRPC Shutdown.\n{runtime.Describe()}");
    }

    [Fact]
    public async Task Sigterm_stops_gracefully_with_exit_code_0_and_keeps_acknowledged_writes()
    {
        using var sandbox = new RuntimeSandbox().AddSqlite("statestore");
        int? code;
        await using (var runtime = await RuntimeProcess.StartAsync(sandbox))
        {
            await new StateHttp(runtime.Http).SaveAsync("statestore", "before-sigterm", "kept");
            var sw = System.Diagnostics.Stopwatch.StartNew();
            code = await runtime.StopAsync(ExitTimeout);
            log.WriteLine($"SIGTERM to exit: {sw.ElapsedMilliseconds} ms");
            Assert.True(code is not null, $"SIGTERM did not stop the runtime within {ExitTimeout.TotalSeconds} s (needed SIGKILL).\n{runtime.Describe()}");
            Assert.True(code == 0, $"exit code {code} after SIGTERM.\n{runtime.Describe()}");
        }
        var restart = System.Diagnostics.Stopwatch.StartNew();
        await using var restarted = await RuntimeProcess.StartAsync(sandbox);
        log.WriteLine($"restart to healthy: {restart.ElapsedMilliseconds} ms");
        Assert.Equal("\"kept\"", (await new StateHttp(restarted.Http).GetExistingAsync("statestore", "before-sigterm")).Body);
    }

    [Fact]
    public async Task Bad_component_file_fails_start_up_with_a_message()
    {
        using var sandbox = new RuntimeSandbox();
        sandbox.AddComponent("broken", ComponentYaml.Component("broken", "state.sqlite")); // no connectionString
        var exception = await Assert.ThrowsAsync<RuntimeStartException>(() => RuntimeProcess.StartAsync(sandbox));
        Assert.Contains("exited with code", exception.Message);
        Assert.Contains("connectionString", exception.Message);
    }

    [Fact]
    public async Task Healthz_waits_for_the_app_port_while_outbound_is_ready_at_once()
    {
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        using var appListener = new TcpListener(IPAddress.Loopback, 0);
        appListener.Start();
        var appPort = ((IPEndPoint)appListener.LocalEndpoint).Port;
        appListener.Stop(); // nothing listens on the app port yet

        var options = new RuntimeStartOptions
        {
            ExtraArguments = ["--app-port", appPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            HealthPath = "/v1.0/healthz/outbound",
        };
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, options);
        using (var notReady = await runtime.Http.GetAsync("/v1.0/healthz"))
            await StateHttp.ExpectErrorAsync(notReady, 500, "ERR_HEALTH_NOT_READY", "healthz before the app listens");
        // The state API works without the app channel.
        await new StateHttp(runtime.Http).SaveAsync("statestore", "k", 1);

        using var app = new TcpListener(IPAddress.Loopback, appPort);
        app.Start();
        await runtime.WaitUntilHealthyAsync(TimeSpan.FromSeconds(20));
        var metadata = System.Text.Json.Nodes.JsonNode.Parse(await runtime.Http.GetStringAsync("/v1.0/metadata"))!;
        Assert.Equal(appPort, metadata["appConnectionProperties"]?["port"]?.GetValue<int>());
    }

    [Fact]
    public async Task App_command_gets_the_dapr_environment_and_its_exit_ends_the_run()
    {
        using var sandbox = new RuntimeSandbox().AddInMemory("statestore");
        var options = new RuntimeStartOptions
        {
            // Everything after -- is the app; the runtime stops when it exits and passes on its exit code.
            ExtraArguments = ["--", "/bin/sh", "-c", "echo \"app sees $APP_ID $DAPR_HTTP_PORT $DAPR_GRPC_PORT\"; sleep 8; exit 7"],
        };
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, options);
        var code = await runtime.WaitForExitAsync(ExitTimeout);
        Assert.True(code == 7, $"expected the app's exit code 7, got {code?.ToString() ?? "still running"}.\n{runtime.Describe()}");
        Assert.Contains($"app sees {runtime.AppId} {runtime.HttpPort} {runtime.GrpcPort}", runtime.Output);
    }

    private static async Task AssertPortClosedAsync(int port)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return;
        }
        throw new Xunit.Sdk.XunitException($"port {port} still accepts connections after the runtime exited");
    }
}
