using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>Actor tests start several processes each and measure timings: they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ActorCollection
{
    public const string Name = "actors";
}

/// <summary>
/// The apps the actor tests start under <c>actorrt run</c>, built once per test run (Debug) into
/// <c>&lt;test bin&gt;/actor-apps/&lt;name&gt;</c>, under an in-process gate and a lock file, like <see cref="RuntimeBinary"/>.
/// <c>ACTORRT_ACTOR_APPS</c> may point at a folder that already holds <c>&lt;name&gt;/&lt;name&gt;.dll</c> for every app.
/// </summary>
public static class ActorApps
{
    public const string Host = "ActorHost";
    public const string Caller = "ActorCaller";
    public const string QuickstartService = "SmartDevice.Service";
    public const string QuickstartClient = "SmartDevice.Client";
    public const string UserSilo = "UserSilo";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, Task<string>> Builds = [];

    private static readonly Dictionary<string, string> Projects = new()
    {
        [Host] = Path.Combine("tests", "apps", "ActorHost", "ActorHost.csproj"),
        [Caller] = Path.Combine("tests", "apps", "ActorCaller", "ActorCaller.csproj"),
        [QuickstartService] = Path.Combine("samples", "actors", "csharp", "sdk", "service", "SmartDevice.Service.csproj"),
        [QuickstartClient] = Path.Combine("samples", "actors", "csharp", "sdk", "client", "SmartDevice.Client.csproj"),
        [UserSilo] = Path.Combine("samples", "csharp-grains", "UserSilo.csproj"),
    };

    /// <summary>Full path of the app's dll, built on first use. A failed build fails every caller the same way.</summary>
    public static async Task<string> GetAsync(string name)
    {
        Task<string> build;
        await Gate.WaitAsync();
        try
        {
            if (!Builds.TryGetValue(name, out build!)) Builds[name] = build = BuildAsync(name);
        }
        finally
        {
            Gate.Release();
        }
        return await build;
    }

    public static string ProjectFolder(string name) => Path.GetDirectoryName(Path.Combine(RepoPaths.Root, Projects[name]))!;

    private static async Task<string> BuildAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("ACTORRT_ACTOR_APPS") is { Length: > 0 } prebuilt)
        {
            var dll = Path.Combine(Path.GetFullPath(prebuilt), name, name + ".dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"ACTORRT_ACTOR_APPS={prebuilt}: no {dll}");
        }

        return await ProjectBuild.BuildAsync(Projects[name], "Debug", Path.Combine("actor-apps", name), name + ".dll", BuildTimeout);
    }
}

/// <summary>Starting actor apps under <c>actorrt run</c>, and reading what they print.</summary>
public static class ActorRuns
{
    /// <summary>Actor tests wait for the app channel too: the app must be up and have answered <c>/dapr/config</c>.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// <c>actorrt run --app-id {appId} --app-port {free} ... -- dotnet ActorHost.dll</c> with the runtime's default
    /// components (its SQLite actor state store in the sandbox's <c>ACTORRT_HOME</c>).
    /// </summary>
    /// <param name="cluster">null: the test default (<c>inprocess</c> unless ACTORRT_TEST_CLUSTER); <c>default</c>:
    /// the machine-local cluster, needed when several <c>actorrt run</c> processes must see each other.</param>
    public static async Task<RuntimeProcess> StartHostAsync(RuntimeSandbox sandbox, string appId = "actorhost", string? cluster = null,
        IReadOnlyDictionary<string, string>? env = null, string app = ActorApps.Host, params string[] appArgs)
    {
        var dll = await ActorApps.GetAsync(app);
        var appPort = FreePort();
        string[] args = ["--app-port", appPort.ToString(CultureInfo.InvariantCulture), "--", DotnetHost.Path, dll, .. appArgs];
        var options = new RuntimeStartOptions
        {
            AppId = appId,
            UseResourcesPath = false,
            StartTimeout = StartTimeout,
            ExtraArguments = args,
            Environment = env ?? new Dictionary<string, string>(),
        };
        if (cluster is not null) options = options with { Cluster = cluster };
        return await RuntimeProcess.StartAsync(sandbox, options);
    }

    /// <summary>
    /// <c>actorrt run --app-id {appId} -- dotnet {app}.dll</c> in the machine-local cluster of the sandbox's home, run to
    /// its end (the run ends with the app and passes on its exit code).
    /// </summary>
    public static async Task<ChildProcess.Result> RunToExitAsync(RuntimeSandbox sandbox, string appId, string app, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? env = null, params string[] appArgs)
    {
        var cli = await RuntimeBinary.GetAsync();
        var dll = await ActorApps.GetAsync(app);
        var psi = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = sandbox.Root };
        string[] args = [cli, "run", "--app-id", appId, "--dapr-http-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--dapr-grpc-port", FreePort().ToString(CultureInfo.InvariantCulture), "--", DotnetHost.Path, dll, .. appArgs];
        foreach (var a in args) psi.ArgumentList.Add(a);
        DotnetHost.CleanEnvironment(psi);
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("DAPR_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(name);
        psi.Environment["ACTORRT_HOME"] = sandbox.Home;
        psi.Environment.Remove("ACTORRT_CLUSTER"); // the machine-local cluster, as a user's second terminal
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return await ChildProcess.RunAsync(psi, timeout);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The output lines of the run that match <paramref name="pattern"/> (app lines may carry a prefix).</summary>
    public static List<Match> Lines(RuntimeProcess runtime, string pattern) =>
        [.. runtime.Output.Split('\n').Select(l => Regex.Match(l, pattern)).Where(m => m.Success)];

    /// <summary>Waits (bounded) until at least <paramref name="count"/> output lines match; returns them.</summary>
    public static async Task<List<Match>> WaitForLinesAsync(RuntimeProcess runtime, string pattern, int count, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var lines = Lines(runtime, pattern);
            if (lines.Count >= count) return lines;
            if (sw.Elapsed > timeout || runtime.HasExited)
                throw new Xunit.Sdk.XunitException(
                    $"{what}: expected {count} line(s) matching /{pattern}/ within {timeout.TotalSeconds:0} s, saw {lines.Count}" +
                    $"{(runtime.HasExited ? " (the run exited)" : "")}.\n{runtime.Describe()}");
            await Task.Delay(100);
        }
    }

    /// <summary>Fire times (UTC) in <c>REMINDER|TIMER &lt;id&gt; &lt;name&gt; &lt;utc&gt;</c> lines for one actor and name.</summary>
    public static string FirePattern(string tag, string actorId, string name) =>
        $@"\b{tag} {Regex.Escape(actorId)} {Regex.Escape(name)} (\S+)";

    public static DateTime FireTime(Match m) => DateTime.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>The actor HTTP API of one runtime (<c>/v1.0/actors/...</c>), with JSON bodies as the .NET SDK's non-remoting calls use.</summary>
public sealed class ActorHttp(HttpClient http)
{
    public HttpClient Client => http;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Path(string type, string id, string rest) =>
        $"/v1.0/actors/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(id)}/{rest}";

    public Task<HttpResponseMessage> InvokeAsync(string type, string id, string method, string? jsonBody = null, CancellationToken ct = default) =>
        http.PostAsync(Path(type, id, "method/" + method), jsonBody is null ? null : Json(jsonBody), ct);

    /// <summary>Invokes and expects 200; returns the body (the method's JSON result, empty for Task).</summary>
    public async Task<string> CallAsync(string type, string id, string method, string? jsonBody = null)
    {
        using var response = await InvokeAsync(type, id, method, jsonBody);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} on {type}/{id}: expected 200, got {(int)response.StatusCode}: {body}");
        return body;
    }

    public async Task<int> CallIntAsync(string type, string id, string method, string? jsonBody = null) =>
        int.Parse(await CallAsync(type, id, method, jsonBody), CultureInfo.InvariantCulture);

    public Task<HttpResponseMessage> GetStateAsync(string type, string id, string key) => http.GetAsync(Path(type, id, "state/" + key));

    public Task<HttpResponseMessage> StateTransactionAsync(string type, string id, JsonArray operations) =>
        http.PostAsync(Path(type, id, "state"), Json(operations.ToJsonString()));

    public Task<HttpResponseMessage> PutReminderAsync(string type, string id, string name, string jsonBody) =>
        http.PutAsync(Path(type, id, "reminders/" + name), Json(jsonBody));

    public Task<HttpResponseMessage> GetReminderAsync(string type, string id, string name) => http.GetAsync(Path(type, id, "reminders/" + name));

    public Task<HttpResponseMessage> DeleteReminderAsync(string type, string id, string name) => http.DeleteAsync(Path(type, id, "reminders/" + name));

    public Task<HttpResponseMessage> PutTimerAsync(string type, string id, string name, string jsonBody) =>
        http.PutAsync(Path(type, id, "timers/" + name), Json(jsonBody));

    public Task<HttpResponseMessage> DeleteTimerAsync(string type, string id, string name) => http.DeleteAsync(Path(type, id, "timers/" + name));

    /// <summary>Registers a reminder through ReminderActor (which passes the strings to the runtime as-is).</summary>
    public Task RegisterReminderViaActorAsync(string id, string name, string? dueTime, string? period, string? ttl = null)
    {
        var spec = new JsonObject { ["Name"] = name, ["DueTime"] = dueTime, ["Period"] = period, ["Ttl"] = ttl };
        return CallAsync("ReminderActor", id, "RegisterReminder", spec.ToJsonString());
    }

    public Task RegisterTimerViaActorAsync(string id, string name, string? dueTime, string? period, string? ttl = null, bool viaSdk = false)
    {
        var spec = new JsonObject { ["Name"] = name, ["DueTime"] = dueTime, ["Period"] = period, ["Ttl"] = ttl, ["ViaSdk"] = viaSdk };
        return CallAsync("ReminderActor", id, "RegisterTimer", spec.ToJsonString());
    }

    public static string NewId(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..8]}";
}
