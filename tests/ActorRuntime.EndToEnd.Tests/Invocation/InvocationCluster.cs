using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

[CollectionDefinition(Name)]
public sealed class InvocationCollection
{
    public const string Name = "service invocation";
}

/// <summary>One app started by its own <c>actorrt run</c>: the runtime (gateway + silo) and, when it has one, its app.</summary>
public sealed class InvocationApp(RuntimeProcess runtime, int? appPort)
{
    private static readonly HttpClient Direct = new() { Timeout = TimeSpan.FromSeconds(10) };

    public RuntimeProcess Runtime { get; } = runtime;
    public string AppId => Runtime.AppId;
    /// <summary>The app's own port: the tests read <c>/hits</c> there directly, bypassing every sidecar.</summary>
    public int? AppPort { get; } = appPort;
    public HttpClient Http => Runtime.Http;

    /// <summary>How many requests reached <paramref name="path"/> on this EchoApp instance (asked directly, not through a sidecar).</summary>
    public async Task<int> HitsAsync(string path)
    {
        var port = AppPort ?? throw new InvalidOperationException($"{AppId} has no app");
        var json = JsonNode.Parse(await Direct.GetStringAsync($"http://127.0.0.1:{port}/hits{path}"))!;
        return json["hits"]!.GetValue<int>();
    }
}

/// <summary>
/// Several <c>actorrt run</c> processes on this machine, as a Dapr user starts them in separate terminals: they share one
/// <c>ACTORRT_HOME</c> (so they join one machine-local cluster and can find each other by app id), each has its own
/// resources folder, ports and app. Disposing it kills every runtime and app it started.
/// </summary>
public sealed class InvocationCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly List<RuntimeSandbox> _sandboxes = [];
    private readonly List<InvocationApp> _apps = [];

    public InvocationCluster()
    {
        Root = Directory.CreateTempSubdirectory("actorrt-invoke-").FullName;
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
    }

    public string Root { get; }
    public string Home { get; }
    public IReadOnlyList<InvocationApp> Apps => _apps;

    /// <summary>A unique app id with a readable stem (app ids are also Redis/SQL key prefixes, so runs must not collide).</summary>
    public static string NewAppId(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// <c>actorrt run --app-id <paramref name="appId"/> --app-port P [extra] -- dotnet EchoApp.dll</c>, waiting until
    /// <c>/v1.0/healthz</c> answers 204 (which includes the app port accepting connections).
    /// </summary>
    public Task<InvocationApp> StartEchoAsync(string appId, Action<RuntimeSandbox>? prepare = null, IReadOnlyList<string>? extraArguments = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        StartAppAsync(appId, TestApps.EchoApp, "http", prepare, extraArguments, environment);

    /// <summary><c>actorrt run --app-id <paramref name="appId"/> --app-port P --app-protocol grpc -- dotnet GrpcGreeter.dll</c>.</summary>
    public Task<InvocationApp> StartGreeterAsync(string appId, IReadOnlyList<string>? extraArguments = null) =>
        StartAppAsync(appId, TestApps.GrpcGreeter, "grpc", null, extraArguments);

    /// <summary>A runtime with no app (a caller only).</summary>
    public async Task<InvocationApp> StartWithoutAppAsync(string appId, Action<RuntimeSandbox>? prepare = null, IReadOnlyList<string>? extraArguments = null)
    {
        var sandbox = NewSandbox(appId);
        prepare?.Invoke(sandbox);
        var runtime = await RuntimeProcess.StartAsync(sandbox, Options(extraArguments ?? [], []));
        var app = new InvocationApp(runtime, null);
        _apps.Add(app);
        return app;
    }

    private async Task<InvocationApp> StartAppAsync(
        string appId, string testApp, string protocol, Action<RuntimeSandbox>? prepare, IReadOnlyList<string>? extraArguments,
        IReadOnlyDictionary<string, string>? environment = null) =>
        await StartCommandAsync(appId, protocol, await TestApps.CommandAsync(testApp), prepare, extraArguments, environment);

    /// <summary><c>actorrt run --app-id <paramref name="appId"/> --app-port P --app-protocol <paramref name="protocol"/> -- command</c> (the app reads APP_PORT).</summary>
    public async Task<InvocationApp> StartCommandAsync(
        string appId, string protocol, IReadOnlyList<string> command, Action<RuntimeSandbox>? prepare = null, IReadOnlyList<string>? extraArguments = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var sandbox = NewSandbox(appId);
        prepare?.Invoke(sandbox);
        var appPort = FreePort();
        List<string> args = ["--app-port", appPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--app-protocol", protocol];
        args.AddRange(extraArguments ?? []);
        var runtime = await RuntimeProcess.StartAsync(sandbox, Options(args, command) with { Environment = environment ?? new Dictionary<string, string>() });
        var app = new InvocationApp(runtime, appPort);
        _apps.Add(app);
        return app;
    }

    private RuntimeSandbox NewSandbox(string appId)
    {
        var sandbox = new RuntimeSandbox(appId, Home);
        _sandboxes.Add(sandbox);
        return sandbox;
    }

    private static RuntimeStartOptions Options(IReadOnlyList<string> extra, IReadOnlyList<string> command) => new()
    {
        // Separate `actorrt run` processes find each other through the machine-local cluster under the shared home.
        Cluster = "default",
        StartTimeout = StartTimeout,
        ExtraArguments = extra,
        AppCommand = command,
        LogLevel = "info",
    };

    /// <summary>
    /// Waits (bounded) until <paramref name="caller"/> can invoke <paramref name="targetAppId"/>: a freshly started app may
    /// take a moment to become resolvable by name, as with mDNS in self-hosted Dapr. Any answer from the app counts.
    /// </summary>
    public static async Task WaitUntilReachableAsync(InvocationApp caller, string targetAppId, TimeSpan? timeout = null, string method = "ready")
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var sw = Stopwatch.StartNew();
        var last = "no answer yet";
        while (sw.Elapsed < limit)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var response = await caller.Http.GetAsync($"/v1.0/invoke/{targetAppId}/method/{method}", cts.Token);
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {body}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException(
            $"{caller.AppId} could not invoke {targetAppId} within {limit.TotalSeconds:0} s (last: {last}).\n{caller.Runtime.Describe()}");
    }

    /// <summary>Every runtime's output, for assertion messages.</summary>
    public string Describe() => string.Join("\n\n", _apps.Select(a => a.Runtime.Describe()));

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            try { await app.Runtime.DisposeAsync(); }
            catch (InvalidOperationException) { }
        }
        foreach (var s in _sandboxes) s.Dispose();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
