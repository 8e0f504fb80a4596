using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorRuntime.Bench;

/// <summary>
/// The runtime under test: <c>dotnet actorrt.dll run</c> as a child process, by default with its own ACTORRT_HOME and
/// the in-process cluster (see <see cref="RuntimeStart"/> for a shared home / machine-local cluster). Its output goes to a log file. Stopped with <c>POST /v1.0/shutdown</c>, killed if that fails,
/// and killed when this process exits or is interrupted.
/// </summary>
internal sealed class RuntimeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly HttpClient _http;
    private readonly string? _home;
    private int _stopped;

    private RuntimeProcess(Process process, StreamWriter log, HttpClient http, string? home, int httpPort, int grpcPort)
    {
        _process = process;
        _log = log;
        _http = http;
        _home = home;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
    }

    public int HttpPort { get; }
    public int GrpcPort { get; }
    public Process Process => _process;
    public string LogPath { get; private init; } = "";

    /// <summary>Returns the path of actorrt.dll: ACTORRT_BIN / --actorrt-bin as given, else builds src/Cli into bench/.build.</summary>
    public static async Task<string> LocateOrBuildAsync(BenchOptions options)
    {
        if (options.ActorRtBin is { } bin)
        {
            var dll = Directory.Exists(bin) ? Path.Combine(bin, "actorrt.dll") : bin;
            return File.Exists(dll) ? Path.GetFullPath(dll) : throw new BenchFailedException($"no actorrt.dll at '{bin}' (ACTORRT_BIN / --actorrt-bin)");
        }
        var outDir = Path.Combine(options.RepoRoot, "bench", ".build", "actorrt");
        var built = Path.Combine(outDir, "actorrt.dll");
        if (options.NoBuild)
            return File.Exists(built) ? built : throw new BenchFailedException($"--no-build, but {built} does not exist");

        var project = Path.Combine(options.RepoRoot, "src", "Cli", "ActorRuntime.Cli.csproj");
        Console.Error.WriteLine($"bench: building {Path.GetRelativePath(options.RepoRoot, project)} (Release) into {Path.GetRelativePath(options.RepoRoot, outDir)}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "build", project, "-c", "Release", "-o", outDir, "-nologo", "-v", "quiet", "-clp:ErrorsOnly" })
            psi.ArgumentList.Add(a);
        using var build = Process.Start(psi) ?? throw new BenchFailedException("could not start dotnet build");
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
            throw new BenchFailedException($"building the runtime failed (exit {build.ExitCode}):\n{await stdout}{await stderr}");
        return built;
    }

    public static Task<RuntimeProcess> StartAsync(string actorrtDll, string appId, string resourcesDir, string logPath, HttpClient http,
        IReadOnlyDictionary<string, string> extraEnvironment) =>
        StartAsync(actorrtDll, new RuntimeStart(appId, resourcesDir, logPath) { Environment = extraEnvironment }, http);

    /// <summary>
    /// Starts <c>dotnet actorrt.dll run --app-id ... [--app-port P]</c>. With <see cref="RuntimeStart.Home"/> set, several
    /// runtimes share that ACTORRT_HOME (and, unless <see cref="RuntimeStart.InProcessCluster"/>, its machine-local
    /// cluster); the caller deletes it. Without it, the runtime gets a temporary home of its own, deleted when it stops.
    /// </summary>
    public static async Task<RuntimeProcess> StartAsync(string actorrtDll, RuntimeStart start, HttpClient http)
    {
        var ownHome = start.Home is null;
        var home = start.Home ?? Directory.CreateTempSubdirectory("actorrt-bench-home-").FullName;
        var httpPort = FreePort();
        var grpcPort = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(actorrtDll)!,
        };
        foreach (var a in new[] { actorrtDll, "run", "--app-id", start.AppId, "--dapr-http-port", $"{httpPort}", "--dapr-grpc-port", $"{grpcPort}", "--resources-path", start.ResourcesDir })
            psi.ArgumentList.Add(a);
        if (start.AppPort is { } appPort)
        {
            psi.ArgumentList.Add("--app-port");
            psi.ArgumentList.Add($"{appPort}");
        }
        foreach (var a in start.ExtraArgs) psi.ArgumentList.Add(a);
        psi.Environment["ACTORRT_HOME"] = home;
        if (start.InProcessCluster) psi.Environment["ACTORRT_CLUSTER"] = "inprocess";
        else psi.Environment.Remove("ACTORRT_CLUSTER");
        foreach (var (k, v) in start.Environment) psi.Environment[k] = v;

        var log = new StreamWriter(start.LogPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        if (!process.Start()) throw new BenchFailedException("could not start the runtime");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var runtime = new RuntimeProcess(process, log, http, ownHome ? home : null, httpPort, grpcPort) { LogPath = start.LogPath };
        // An interrupted bench must not leave the runtime behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => runtime.Kill();
        Console.CancelKeyPress += (_, _) => runtime.Kill();

        try
        {
            await runtime.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
        return runtime;
    }

    /// <summary>Resident set size of the runtime process (VmRSS in /proc/&lt;pid&gt;/status), in bytes; null when unreadable.</summary>
    public long? ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException) { }
        return null;
    }

    public bool HasExited => _process.HasExited;

    public string Tail() => LogTail();

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        var url = $"http://127.0.0.1:{HttpPort}/v1.0/healthz";
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
                throw new BenchFailedException($"the runtime exited with code {_process.ExitCode} before it was healthy; see its log:\n{LogTail()}");
            try
            {
                using var response = await _http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.NoContent) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new BenchFailedException($"the runtime was not healthy after {timeout.TotalSeconds:0} s; log:\n{LogTail()}");
    }

    private string LogTail()
    {
        lock (_log) _log.Flush();
        try
        {
            using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var lines = new StreamReader(fs).ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(30));
        }
        catch (IOException) { return "(log unreadable)"; }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        if (!_process.HasExited)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var _ = await _http.PostAsync($"http://127.0.0.1:{HttpPort}/v1.0/shutdown", null, cts.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException) { }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await _process.WaitForExitAsync(wait.Token);
                Console.Error.WriteLine($"bench: runtime pid {_process.Id} exited {Stopwatch.GetElapsedTime(t0).TotalSeconds:0.0} s after POST /v1.0/shutdown (exit code {_process.ExitCode})");
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"bench: runtime pid {_process.Id} had not exited 20 s after POST /v1.0/shutdown; killed");
                Kill();
            }
        }
        await _process.WaitForExitAsync();
        lock (_log) _log.Dispose();
        _process.Dispose();
        if (_home is not null)
            try { Directory.Delete(_home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>How to start one <c>actorrt run</c>.</summary>
internal sealed record RuntimeStart(string AppId, string ResourcesDir, string LogPath)
{
    public int? AppPort { get; init; }
    /// <summary>Shared ACTORRT_HOME (not deleted by the runtime); null = a temporary home of its own.</summary>
    public string? Home { get; init; }
    /// <summary>ACTORRT_CLUSTER=inprocess (a cluster of one); false = the machine-local cluster of the home.</summary>
    public bool InProcessCluster { get; init; } = true;
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>More <c>actorrt run</c> flags (e.g. <c>--enable-mtls=false</c>).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
}
