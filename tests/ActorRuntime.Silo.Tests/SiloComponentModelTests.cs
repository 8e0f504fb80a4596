using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using ActorRuntime.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// A user's own silo (<c>AddActorRuntimeSilo</c>) loads components along the same path as <c>actorrt</c>: types its
/// host registers are built from the resource files, validated, and connected before the silo is active.
/// </summary>
public sealed class SiloComponentModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_type_registered_by_the_host_is_loaded_from_files_and_connected_before_the_silo_is_active()
    {
        File.WriteAllText(Path.Combine(_dir, "probe.yaml"), Component("probe", "bindings.test-probe", "greeting", "hello", scopes: "[app1]"));
        File.WriteAllText(Path.Combine(_dir, "other-app.yaml"), Component("probe", "bindings.test-probe", "greeting", "other", scopes: "[someone-else]") );
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (host, _) = await StartAsync(cts.Token);
        try
        {
            var catalog = host.Services.GetRequiredService<ComponentCatalog>();
            var probes = ProbeBinding.Built.Where(p => p.Dir == _dir).ToList();
            // Both definitions: a silo acts for every app, and the two scopes do not overlap.
            Assert.Equal(["hello", "other"], probes.Select(p => p.Greeting).Order());
            Assert.All(probes, p => Assert.True(p.InitializedBeforeActive));
            var first = ResourceLoader.LoadForAllApps([_dir], host.Services.GetRequiredService<ComponentTypes>())[0];
            Assert.True(catalog.TryGet<ProbeBinding>("bindings", first.InstanceId, out _));
            Assert.False(catalog.TryGet<ProbeBinding>("state", first.InstanceId, out _));
        }
        finally
        {
            await host.StopQuietly();
            host.Dispose();
        }
    }

    [Fact]
    public async Task A_mistake_in_a_registered_types_metadata_stops_the_silo_naming_file_component_and_field()
    {
        File.WriteAllText(Path.Combine(_dir, "probe.yaml"), Component("broken-probe", "bindings.test-probe", "colour", "blue"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var e = await Assert.ThrowsAsync<ComponentConfigurationException>(() => StartAsync(cts.Token));
        Assert.Equal("greeting", e.Field);
        Assert.Equal("broken-probe", e.ComponentName);
        Assert.EndsWith("probe.yaml", e.File);
    }

    [Fact]
    public async Task Two_components_with_one_name_and_overlapping_scopes_are_refused()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Component("probe", "bindings.test-probe", "greeting", "a", scopes: "[app1, app2]"));
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), Component("probe", "bindings.test-probe", "greeting", "b", scopes: "[app2]"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var e = await Assert.ThrowsAsync<ComponentConfigurationException>(() => StartAsync(cts.Token));
        Assert.Equal("metadata.name", e.Field);
    }

    private async Task<(IHost Host, ProbeBinding? Probe)> StartAsync(CancellationToken ct)
    {
        var builder = TestSilos.Builder(output);
        builder.Services.AddComponentType<ProbeBinding>("bindings.test-probe", c => new ProbeBinding(
            c.Metadata.GetRequiredString("greeting"), _dir, c.Services.GetRequiredService<ISiloStatusOracle>()));
        builder.UseOrleans(silo => silo.AddActorRuntimeSilo(o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.ServiceId = TestComponents.NewServiceId("model");
            o.Storage = GrainStorageKind.Memory;
            o.Reminders = ReminderStorageKind.Memory;
            o.ResourcesPaths = [_dir];
        }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return (host, null);
    }

    private static string Component(string name, string type, string field, string value, string? scopes = null) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
          metadata:
          - name: {field}
            value: "{value}"
        {(scopes is null ? "" : "scopes: " + scopes)}
        """;

    /// <summary>A component of a building block the runtime does not ship, registered the way a user would.</summary>
    private sealed class ProbeBinding : IComponent
    {
        public static readonly System.Collections.Concurrent.ConcurrentBag<ProbeBinding> Built = [];
        private readonly ISiloStatusOracle silo;

        public ProbeBinding(string greeting, string dir, ISiloStatusOracle silo)
        {
            Greeting = greeting;
            Dir = dir;
            this.silo = silo;
            Built.Add(this);
        }

        public string Greeting { get; }
        public string Dir { get; }
        public bool InitializedBeforeActive { get; private set; }

        public Task InitAsync(CancellationToken cancellationToken)
        {
            // Grains may run from the moment the silo is active; every component must be connected before that.
            InitializedBeforeActive = silo.CurrentStatus != SiloStatus.Active;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
