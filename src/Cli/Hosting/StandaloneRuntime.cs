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
    private readonly IHost _silo;
    private readonly List<(RunOptions App, WebApplication Gateway, int HttpPort, int GrpcPort)> _gateways = [];

    private StandaloneRuntime(IHost silo) => _silo = silo;

    public IReadOnlyList<(RunOptions App, WebApplication Gateway, int HttpPort, int GrpcPort)> Gateways => _gateways;

    /// <summary>Completes when any gateway begins to stop (for example through <c>POST /v1.0/shutdown</c>).</summary>
    public Task AnyGatewayStopping { get; private set; } = Task.CompletedTask;

    public static async Task<StandaloneRuntime> StartAsync(IReadOnlyList<RunOptions> apps, ClusterMode cluster, CancellationToken ct)
    {
        var home = ActorRuntimeHome.Resolve();
        foreach (var a in apps)
            if (a.ConfigFile is { } config && !File.Exists(config))
                throw new ComponentConfigurationException(config, null, "--config", "the configuration file does not exist");
        // Load and validate every app's components before anything starts: a broken file stops us here.
        var components = apps.Select(a => ResourceLoader.LoadComponents(ResourcePathsFor(a, home), a.AppId, appDirectory: a.WorkingDirectory)).ToList();
        var catalog = new ComponentCatalog();
        foreach (var defs in components)
            foreach (var d in defs) catalog.Add(d);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actorrt-silo", DisableDefaults = true });
        RuntimeLogging.Configure(builder.Logging, apps[0].LogLevel);
        builder.Services.AddComponentCatalog(catalog);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.UseOrleans(silo => silo.AddActorRuntimeSilo(o =>
        {
            o.Cluster = cluster;
            o.LocalMachineDatabase = Path.Combine(home, "cluster", "membership.db");
            o.Components = [.. components.SelectMany(c => c).DistinctBy(d => d.InstanceId)];
        }));
        var siloHost = builder.Build();
        var runtime = new StandaloneRuntime(siloHost);
        try
        {
            await siloHost.StartAsync(ct);
            var grains = siloHost.Services.GetRequiredService<IGrainFactory>();
            var manifests = siloHost.Services.GetRequiredService<IClusterManifestProvider>();
            var taken = new HashSet<int>();
            var stopping = new List<Task>();
            for (var i = 0; i < apps.Count; i++)
            {
                var app = apps[i];
                var http = app.HttpPort ?? PortPicker.PreferredOrFree(3500, taken);
                var grpc = app.GrpcPort ?? PortPicker.PreferredOrFree(50001, taken);
                taken.Add(http);
                taken.Add(grpc);
                var extended = new Dictionary<string, string>
                {
                    ["cliPID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["appCommand"] = string.Join(' ', app.Command),
                };
                var gateway = GatewayHost.Build(app, http, grpc, components[i], catalog, grains, extended, manifests);
                await gateway.StartAsync(ct);
                runtime._gateways.Add((app, gateway, http, grpc));
                var lifetime = gateway.Services.GetRequiredService<IHostApplicationLifetime>();
                var tcs = new TaskCompletionSource();
                lifetime.ApplicationStopping.Register(() => tcs.TrySetResult());
                stopping.Add(tcs.Task);
            }
            runtime.AnyGatewayStopping = Task.WhenAny(stopping);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    /// <summary>Dapr's rule: the given paths, else the default components folder (written on first use).</summary>
    private static IReadOnlyList<string> ResourcePathsFor(RunOptions app, string home) =>
        app.ResourcesPaths.Count > 0 ? app.ResourcesPaths : [EmbeddedDefaults.EnsureDefaultComponentsIn(home)];

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_gateways.Select(async g =>
        {
            try { await g.Gateway.StopAsync(); } catch (OperationCanceledException) { }
            await g.Gateway.DisposeAsync();
        }));
        var catalog = _silo.Services.GetService<ComponentCatalog>();
        try { await _silo.StopAsync(); } catch (OperationCanceledException) { }
        _silo.Dispose();
        if (catalog is not null) await catalog.DisposeAsync();
    }
}
