using System.Diagnostics;
using ActorRuntime.Cli.Apps;
using ActorRuntime.Cli.Commands;
using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// <c>actorrt run</c>: one silo in this process, joined to the machine-local cluster, and one gateway per app.
/// Start order is silo, then gateways; stop order is the reverse, so in-flight requests drain while grains are still there.
/// </summary>
internal sealed class StandaloneRuntime : IAsyncDisposable
{
    /// <summary>What leaving the cluster may take beyond the drain before the silo is stopped ungracefully.</summary>
    private static readonly TimeSpan LeaveBudget = TimeSpan.FromSeconds(1);

    private readonly IHost _silo;
    private readonly IReadOnlyList<RunOptions> _apps;
    private readonly IReadOnlyList<IReadOnlyList<ComponentDefinition>> _components;
    private readonly ComponentCatalog _catalog;
    private readonly HashSet<int> _takenPorts = [];
    private readonly List<Task> _stopping = [];
    private readonly TaskCompletionSource _anyStopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(RunOptions App, WebApplication Gateway, int HttpPort, int GrpcPort)> _gateways = [];
    private bool _stopped;

    private StandaloneRuntime(IHost silo, IReadOnlyList<RunOptions> apps, IReadOnlyList<IReadOnlyList<ComponentDefinition>> components, ComponentCatalog catalog)
    {
        _silo = silo;
        _apps = apps;
        _components = components;
        _catalog = catalog;
    }

    public IReadOnlyList<(RunOptions App, WebApplication Gateway, int HttpPort, int GrpcPort)> Gateways => _gateways;

    /// <summary>Completes when any gateway begins to stop (for example through <c>POST /v1.0/shutdown</c>).</summary>
    public Task AnyGatewayStopping => _anyStopping.Task;

    /// <summary>Per started gateway, in start order: completes when that gateway begins to stop.</summary>
    public IReadOnlyList<Task> GatewayStopping => _stopping;

    /// <summary>Validates every app's components, then starts the silo. Gateways start with <see cref="StartGatewayAsync"/>.</summary>
    public static async Task<StandaloneRuntime> StartAsync(IReadOnlyList<RunOptions> apps, ClusterMode cluster, CancellationToken ct)
    {
        var home = ActorRuntimeHome.Resolve();
        foreach (var a in apps)
            if (a.ConfigFile is { } config && !File.Exists(config))
                throw new ComponentConfigurationException(config, null, "--config", "the configuration file does not exist");
        // The gateway reads Resiliency, HTTPEndpoint and Subscription files from the same folders the components came
        // from, so the default folder stands in for a missing --resources-path in both places.
        var secret = ClusterSecrets.Resolve(cluster, null, "actorrt", home);
        apps = [.. apps.Select(a => a with { ResourcesPaths = ResourcePathsFor(a, home), ClusterSecret = secret })];
        // Load and validate every app's components before anything starts: a broken file stops us here.
        var components = apps.Select(a => ResourceLoader.LoadComponents(a.ResourcesPaths, a.AppId, appDirectory: a.WorkingDirectory)).ToList();
        var catalog = new ComponentCatalog();
        foreach (var defs in components)
            foreach (var d in defs) catalog.Add(d);

        var first = apps[0];
        var builder = ObservabilityHosting.CreateSiloBuilder("actorrt-silo", first.DashboardPort, defaults: false, out var build);
        // The silo serves every app of the run: its few lines go wherever the apps' runtime logs go.
        RuntimeLogging.Configure(builder.Logging, first.LogLevel, LineWriter.Combine(apps.Select(a => a.RuntimeLog ?? LineWriter.Console)),
            json: first.LogAsJson, appId: apps.Count == 1 ? first.AppId : "");
        // One endpoint for the whole process (every app's series carry their app_id); the first app's flags decide.
        ObservabilityHosting.AddMetrics(builder.Services, first.EnableMetrics, first.MetricsPort, first.ListenAddress, first.ConfigFile);
        builder.Services.AddComponentCatalog(catalog);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = LeaveBudget);
        builder.UseOrleans(silo => silo.AddActorRuntimeSilo(o =>
        {
            o.Cluster = cluster;
            o.LocalMachineDatabase = Path.Combine(home, "cluster", "membership.db");
            o.ClusterSecret = secret;
            o.Components = [.. components.SelectMany(c => c).DistinctBy(d => d.InstanceId)];
            ObservabilityHosting.AddDashboard(silo, first.DashboardPort);
            o.Mtls = apps[0].Mtls;
            o.EnableMtls = apps[0].Mtls is not null;
        }));
        var siloHost = build();
        var runtime = new StandaloneRuntime(siloHost, apps, components, catalog);
        try
        {
            await siloHost.StartAsync(ct);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the gateway of app number <paramref name="index"/>; returns its HTTP and gRPC ports.</summary>
    public async Task<(int Http, int Grpc)> StartGatewayAsync(int index, CancellationToken ct)
    {
        var app = _apps[index];
        var http = app.HttpPort ?? PortPicker.PreferredOrFree(3500, _takenPorts);
        var grpc = app.GrpcPort ?? PortPicker.PreferredOrFree(50001, _takenPorts);
        _takenPorts.Add(http);
        _takenPorts.Add(grpc);
        var extended = new Dictionary<string, string>
        {
            ["cliPID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["appCommand"] = string.Join(' ', app.Command),
        };
        if (app.RunFilePath is { } runFile) extended["runTemplatePath"] = runFile;
        var grains = _silo.Services.GetRequiredService<IGrainFactory>();
        var manifests = _silo.Services.GetRequiredService<IClusterManifestProvider>();
        var gateway = GatewayHost.Build(app, http, grpc, _components[index], _catalog, grains, extended, manifests);
        await gateway.StartAsync(ct);
        _gateways.Add((app, gateway, http, grpc));
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            stopping.TrySetResult();
            _anyStopping.TrySetResult();
        });
        _stopping.Add(stopping.Task);
        return (http, grpc);
    }

    /// <summary>Dapr's rule: the given paths, else the default components folder (written on first use).</summary>
    private static IReadOnlyList<string> ResourcePathsFor(RunOptions app, string home) =>
        app.ResourcesPaths.Count > 0 ? app.ResourcesPaths : [EmbeddedDefaults.EnsureDefaultComponentsIn(home)];

    /// <summary>
    /// Drains the gateways within <paramref name="grace"/> (in-flight requests finish, new ones are refused), then
    /// leaves the cluster within about a second more; past that the silo stops ungracefully and the other processes
    /// notice the exit at once (the machine-local cluster watches process ids).
    /// </summary>
    /// <summary>Stops one app's gateway (its in-flight requests get <paramref name="grace"/>); the silo serves the others on.</summary>
    public async Task StopGatewayAsync(int index, TimeSpan grace)
    {
        using var drain = new CancellationTokenSource(grace);
        try { await _gateways[index].Gateway.StopAsync(drain.Token); } catch (OperationCanceledException) { }
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (_stopped) return;
        _stopped = true;
        var clock = Stopwatch.StartNew();
        using (var drain = new CancellationTokenSource(grace))
        {
            await Task.WhenAll(_gateways.Select(async g =>
            {
                try { await g.Gateway.StopAsync(drain.Token); } catch (OperationCanceledException) { }
            }));
        }
        var left = grace + LeaveBudget - clock.Elapsed;
        using var leave = new CancellationTokenSource(left > TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        try { await _silo.StopAsync(leave.Token); } catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(_apps.Count > 0 ? _apps.Max(a => a.GracefulShutdownSeconds) : 5));
        foreach (var g in _gateways) await g.Gateway.DisposeAsync();
        var catalog = _silo.Services.GetService<ComponentCatalog>();
        _silo.Dispose();
        if (catalog is not null) await catalog.DisposeAsync();
    }
}
