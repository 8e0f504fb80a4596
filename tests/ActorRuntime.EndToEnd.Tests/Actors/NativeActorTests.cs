using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>
/// C# grains as Dapr actors, across processes of one machine-local cluster: <c>actorrt run --app-id nodeactors
/// -- node samples/csharp-grains/node-actor/app.mjs</c> (a polyglot app hosting NodeCounterActor) and the sample silo
/// host <c>samples/csharp-grains</c> (UserSilo, with the C# actor GreeterGrain). The runtime's actor API reaches
/// GreeterGrain with JSON; GreeterGrain calls NodeCounterActor through <c>DaprActorProxy</c>.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class NativeActorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 300_000)]
    public async Task A_csharp_grain_is_a_dapr_actor_for_every_app_and_calls_a_node_actor()
    {
        using var sandbox = new RuntimeSandbox();
        var silo = await ActorApps.GetAsync(ActorApps.UserSilo);
        var app = Path.Combine(RepoPaths.Root, "samples", "csharp-grains", "node-actor", "app.mjs");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions
        {
            AppId = "nodeactors",
            Cluster = "default",
            UseResourcesPath = false,
            StartTimeout = StartTimeout,
            ExtraArguments = ["--app-port", FreePort().ToString(CultureInfo.InvariantCulture), "--", "node", app],
        });
        await using var host = UserSiloHost.Start(silo, sandbox, FreePort());
        try
        {
            await host.WaitReadyAsync(ClusterTimeout);
            var actors = new ActorHttp(runtime.Http);

            // The runtime learns of GreeterGrain from the cluster manifest once UserSilo joined: retry until then.
            var clock = Stopwatch.StartNew();
            HttpResponseMessage greeted;
            while (true)
            {
                greeted = await actors.InvokeAsync("GreeterGrain", "1", "Greet", "\"Ann\"");
                if (greeted.StatusCode == HttpStatusCode.OK || clock.Elapsed > ClusterTimeout) break;
                greeted.Dispose();
                await Task.Delay(500);
            }
            using (greeted)
            {
                var body = await greeted.Content.ReadAsStringAsync();
                Assert.True(greeted.StatusCode == HttpStatusCode.OK, $"Greet: {(int)greeted.StatusCode} {body}");
                Assert.Equal("\"Hello, Ann\"", body);
                Assert.Equal("application/json", greeted.Content.Headers.ContentType?.MediaType);
            }
            Assert.Equal("\"Hello, Bob\"", await actors.CallAsync("GreeterGrain", "1", "greet", "\"Bob\""));
            Assert.Equal(2, await actors.CallIntAsync("GreeterGrain", "1", "Count"));
            Assert.Equal(0, await actors.CallIntAsync("GreeterGrain", "2", "Count"));
            Assert.Equal("[\"Hello #1, Cy\",\"Hello #2, Cy\"]", await actors.CallAsync("GreeterGrain", "1", "GreetMany", "[\"Cy\",2]"));

            // Dapr's errors: an unknown method, and an exception thrown by the method.
            using (var missing = await actors.InvokeAsync("GreeterGrain", "1", "Nope"))
            {
                Assert.Equal(HttpStatusCode.InternalServerError, missing.StatusCode);
                using var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
                Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.RootElement.GetProperty("errorCode").GetString());
                Assert.Equal("method Nope not found on actor type GreeterGrain", error.RootElement.GetProperty("message").GetString());
            }
            using (var failed = await actors.InvokeAsync("GreeterGrain", "1", "Fail", "\"on purpose\""))
            {
                Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
                using var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync());
                Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.RootElement.GetProperty("errorCode").GetString());
                Assert.Equal("on purpose", error.RootElement.GetProperty("message").GetString());
            }

            // C# → Node: GreeterGrain calls NodeCounterActor (hosted by the app of `actorrt run`) through DaprActorProxy.
            var id = ActorHttp.NewId("n");
            Assert.Equal(1, await actors.CallIntAsync("GreeterGrain", "1", "CallNodeActor", $"\"{id}\""));
            Assert.Equal(2, await actors.CallIntAsync("GreeterGrain", "1", "CallNodeActor", $"\"{id}\""));
            Assert.Equal(2, await actors.CallIntAsync("NodeCounterActor", id, "get"));

            // Node → C#: the Node app calls GreeterGrain through its own actor API (reached here by service invocation).
            using (var viaNode = await runtime.Http.GetAsync("/v1.0/invoke/nodeactors/method/greet/Dee"))
            {
                var body = await viaNode.Content.ReadAsStringAsync();
                Assert.True(viaNode.StatusCode == HttpStatusCode.OK, $"Node app calling GreeterGrain: {(int)viaNode.StatusCode} {body}");
                Assert.Equal("{\"fromGreeterGrain\":\"Hello, Dee\"}", body);
            }
        }
        catch
        {
            output.WriteLine(runtime.Describe());
            output.WriteLine("--- UserSilo ---\n" + host.Output);
            throw;
        }
    }

    /// <summary><c>dotnet UserSilo.dll --gateway-port N</c> in the sandbox's <c>ACTORRT_HOME</c> (its machine-local cluster).</summary>
    private sealed class UserSiloHost : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private UserSiloHost(Process process) => _process = process;

        public string Output => string.Join('\n', _lines);

        public static UserSiloHost Start(string dll, RuntimeSandbox sandbox, int gatewayPort)
        {
            var psi = new ProcessStartInfo(DotnetHost.Path)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = sandbox.Root,
            };
            foreach (var a in new[] { dll, "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
            DotnetHost.CleanEnvironment(psi);
            psi.Environment["ACTORRT_HOME"] = sandbox.Home;
            psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
            psi.Environment["Logging__Console__FormatterName"] = "simple";
            psi.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            var host = new UserSiloHost(process);
            process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
            process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException("UserSilo exited:\n" + host.Output));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return host;
        }

        private void OnLine(string? line)
        {
            if (line is null) return;
            _lines.Enqueue(line);
            if (line.Contains("Application started", StringComparison.Ordinal)) _ready.TrySetResult();
        }

        public async Task WaitReadyAsync(TimeSpan timeout)
        {
            if (await Task.WhenAny(_ready.Task, Task.Delay(timeout)) != _ready.Task)
                throw new TimeoutException($"UserSilo was not ready within {timeout.TotalSeconds} s:\n{Output}");
            await _ready.Task;
        }

        public async ValueTask DisposeAsync()
        {
            try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
            _process.Dispose();
        }
    }
}
