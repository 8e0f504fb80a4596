using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dapr.Client;
using Grpc.Net.Client;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One <c>actorrt run</c> process, started as a user starts it: <c>dotnet actorrt.dll run --app-id ... --dapr-http-port
/// ... --dapr-grpc-port ... --resources-path ...</c> with a private <c>ACTORRT_HOME</c>. Its output is captured; every
/// wait is bounded; disposing it always leaves no process behind (SIGKILL if it is still running).
/// </summary>
public sealed class RuntimeProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(60);
    private const int MaxStartAttempts = 3;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<HttpClient> _http;
    private readonly Lazy<GrpcChannel> _grpcChannel;

    private RuntimeProcess(Process process, RuntimeSandbox sandbox, int httpPort, int grpcPort, string appId)
    {
        _process = process;
        Sandbox = sandbox;
        AppId = appId;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        // Every error the tests provoke through these clients is scanned for runtime internals (ErrorBodyScanner).
        _http = new(() => new HttpClient(new ErrorBodyScanner(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) }))
        {
            BaseAddress = HttpEndpoint,
            Timeout = TimeSpan.FromSeconds(30),
        });
        _grpcChannel = new(() => GrpcChannel.ForAddress(GrpcEndpoint, new GrpcChannelOptions { HttpHandler = new ErrorBodyScanner(new SocketsHttpHandler()) }));
    }

    public RuntimeSandbox Sandbox { get; }
    /// <summary>The <c>--app-id</c>: <see cref="RuntimeStartOptions.AppId"/> when set, else the sandbox's.</summary>
    public string AppId { get; }
    public int HttpPort { get; }
    public int GrpcPort { get; }
    public int ProcessId => _process.Id;
    public Uri HttpEndpoint => new($"http://127.0.0.1:{HttpPort}");
    public string GrpcEndpoint => $"http://127.0.0.1:{GrpcPort}";
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>An HTTP client on the runtime's HTTP API port (30 s per request).</summary>
    public HttpClient Http => _http.Value;

    /// <summary>A gRPC channel to the runtime's gRPC API port, for the raw <c>dapr.proto.runtime.v1.Dapr</c> stub.</summary>
    public GrpcChannel GrpcChannel => _grpcChannel.Value;

    /// <summary>Everything the runtime printed so far (stdout and stderr, in arrival order).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Output, PID and ports, to attach to assertion messages.</summary>
    public string Describe() =>
        $"actorrt app '{AppId}' pid {ProcessId} http {HttpPort} grpc {GrpcPort}{(HasExited ? $" (exited {_exited.Task.Result})" : "")}\n--- runtime output ---\n{Output}\n--- end ---";

    /// <summary>The official .NET SDK, pointed at this runtime's ports.</summary>
    public DaprClient CreateDaprClient() =>
        new DaprClientBuilder().UseGrpcEndpoint(GrpcEndpoint).UseHttpEndpoint(HttpEndpoint.ToString().TrimEnd('/')).Build();

    /// <summary>
    /// Starts the runtime with free ports in <paramref name="sandbox"/> and waits until <c>/v1.0/healthz</c> answers 204.
    /// A port taken between picking and binding is retried with new ports.
    /// </summary>
    public static async Task<RuntimeProcess> StartAsync(RuntimeSandbox sandbox, RuntimeStartOptions? options = null)
    {
        options ??= new RuntimeStartOptions();
        var dll = await RuntimeBinary.GetAsync();
        var failures = new List<string>();
        for (var attempt = 1; attempt <= MaxStartAttempts; attempt++)
        {
            var (http, grpc) = FreePorts();
            var runtime = Launch(dll, sandbox, http, grpc, options);
            try
            {
                await runtime.WaitUntilHealthyAsync(options.StartTimeout, options.HealthPath);
                return runtime;
            }
            catch (RuntimeStartException ex) when (attempt < MaxStartAttempts && ex.PortConflict)
            {
                failures.Add(ex.Message);
                await runtime.DisposeAsync();
            }
            catch
            {
                await runtime.DisposeAsync();
                throw;
            }
        }
        throw new InvalidOperationException("the runtime never started:\n" + string.Join("\n\n", failures));
    }

    private static RuntimeProcess Launch(string dll, RuntimeSandbox sandbox, int httpPort, int grpcPort, RuntimeStartOptions options)
    {
        var psi = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = sandbox.Root,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in new[]
        {
            "run", "--app-id", options.AppId ?? sandbox.AppId,
            "--dapr-http-port", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dapr-grpc-port", grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--log-level", options.LogLevel,
        })
        {
            psi.ArgumentList.Add(a);
        }
        if (options.UseResourcesPath)
        {
            psi.ArgumentList.Add("--resources-path");
            psi.ArgumentList.Add(sandbox.Resources);
        }
        foreach (var a in options.ExtraArguments) psi.ArgumentList.Add(a);
        if (options.AppCommand.Count > 0)
        {
            psi.ArgumentList.Add("--");
            foreach (var a in options.AppCommand) psi.ArgumentList.Add(a);
        }
        DotnetHost.CleanEnvironment(psi);
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("DAPR_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(name);
        psi.Environment["ACTORRT_HOME"] = sandbox.Home;
        if (options.Cluster.Equals("default", StringComparison.OrdinalIgnoreCase)) psi.Environment.Remove("ACTORRT_CLUSTER");
        else psi.Environment["ACTORRT_CLUSTER"] = options.Cluster;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in options.Environment) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        RuntimeProcess? runtime = null;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) runtime?._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) runtime?._output.Enqueue("[stderr] " + e.Data); };
        runtime = new RuntimeProcess(process, sandbox, httpPort, grpcPort, options.AppId ?? sandbox.AppId);
        process.Exited += (_, _) => runtime._exited.TrySetResult(SafeExitCode(process));
        if (!process.Start()) throw new InvalidOperationException($"could not start {psi.FileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runtime;
    }

    private static int SafeExitCode(Process p)
    {
        try { return p.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

    /// <summary>Polls <paramref name="healthPath"/> until 204; fails at once if the process exits meanwhile.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, string healthPath = "/v1.0/healthz")
    {
        using var probe = new HttpClient { BaseAddress = HttpEndpoint, Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        string last = "no answer yet";
        while (sw.Elapsed < timeout)
        {
            if (HasExited)
            {
                var output = Output;
                throw new RuntimeStartException(
                    $"the runtime exited with code {_exited.Task.Result} before it was healthy.\n{Describe()}",
                    output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) ||
                    output.Contains("AddressInUse", StringComparison.OrdinalIgnoreCase));
            }
            try
            {
                using var response = await probe.GetAsync(healthPath);
                if (response.StatusCode == HttpStatusCode.NoContent) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(100);
        }
        throw new RuntimeStartException($"the runtime was not healthy within {timeout.TotalSeconds:0} s (last: {last}).\n{Describe()}", false);
    }

    /// <summary>Waits for the process to exit by itself; null when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (done != _exited.Task) return null;
        // Exited fires before the redirected streams are drained; give them a moment.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        return _exited.Task.Result;
    }

    /// <summary>SIGTERM (a graceful stop, as Ctrl+C or <c>actorrt stop</c>); SIGKILL if still running after <paramref name="grace"/>.
    /// Returns the exit code, or null when SIGKILL was needed.</summary>
    public async Task<int?> StopAsync(TimeSpan? grace = null)
    {
        if (HasExited) return _exited.Task.Result;
        if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
        else _ = SendSignal(_process.Id, 15);
        var code = await WaitForExitAsync(grace ?? TimeSpan.FromSeconds(30));
        if (code is not null) return code;
        await KillAsync();
        return null;
    }

    /// <summary>SIGKILL, like <c>kill -9</c>: no shutdown code runs. Waits (bounded) until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try { _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }
        if (await WaitForExitAsync(TimeSpan.FromSeconds(15)) is null)
            throw new InvalidOperationException($"the runtime did not die within 15 s of SIGKILL.\n{Describe()}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited) await KillAsync();
        }
        finally
        {
            if (_http.IsValueCreated) _http.Value.Dispose();
            if (_grpcChannel.IsValueCreated) _grpcChannel.Value.Dispose();
            _process.Dispose();
        }
    }

    private static (int Http, int Grpc) FreePorts()
    {
        // Both listeners are open at once so the two ports differ; they are released just before the runtime binds them.
        using var a = new TcpListener(IPAddress.Loopback, 0);
        using var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        var ports = (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
        a.Stop();
        b.Stop();
        return ports;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

public sealed record RuntimeStartOptions
{
    /// <summary>
    /// <c>ACTORRT_CLUSTER</c> for the runtime: <c>inprocess</c> (a single-process cluster) unless the environment
    /// variable <c>ACTORRT_TEST_CLUSTER</c> says otherwise; <c>default</c> leaves it unset (the machine-local cluster).
    /// </summary>
    public string Cluster { get; init; } =
        System.Environment.GetEnvironmentVariable("ACTORRT_TEST_CLUSTER") is { Length: > 0 } c ? c : "inprocess";
    public string LogLevel { get; init; } = "info";
    public TimeSpan StartTimeout { get; init; } = RuntimeProcess.DefaultStartTimeout;
    /// <summary>What "started" means: <c>/v1.0/healthz</c> (app channel ready too) or <c>/v1.0/healthz/outbound</c>.</summary>
    public string HealthPath { get; init; } = "/v1.0/healthz";
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
    /// <summary>The app to start beside the runtime, passed after <c>--</c> (as <c>dapr run ... -- cmd</c>); empty for none.</summary>
    public IReadOnlyList<string> AppCommand { get; init; } = [];
    /// <summary>False runs without <c>--resources-path</c>, so the runtime uses (and on first run writes) its default components.</summary>
    public bool UseResourcesPath { get; init; } = true;
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary><c>--app-id</c> for this process when it differs from the sandbox's (several apps sharing one <c>ACTORRT_HOME</c>).</summary>
    public string? AppId { get; init; }
}

public sealed class RuntimeStartException(string message, bool portConflict) : Exception(message)
{
    public bool PortConflict { get; } = portConflict;
}
