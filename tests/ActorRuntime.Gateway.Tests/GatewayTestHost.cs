using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Hosting;
using ActorRuntime.Silo.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Tests;

/// <summary>
/// The gateway's whole pipeline on ASP.NET Core's in-memory test server, over a single in-process silo in the same
/// host: the HTTP and gRPC mapping and its errors, without starting a process or opening a port.
/// </summary>
public sealed class GatewayTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayTestHost(WebApplication app, string appId)
    {
        _app = app;
        AppId = appId;
        Http = app.GetTestClient();
        Grpc = GrpcChannel.ForAddress(Http.BaseAddress!, new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        Dapr = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(Grpc);
    }

    public string AppId { get; }
    public HttpClient Http { get; }
    public GrpcChannel Grpc { get; }
    public Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient Dapr { get; }
    public IServiceProvider Services => _app.Services;
    public TestServer Server => _app.GetTestServer();

    /// <summary>The port number the internal pipeline answers on; set it on a test request's connection to reach it.</summary>
    public const int InternalPort = 1;

    public static Task<GatewayTestHost> StartAsync(params ComponentDefinition[] components) => StartAsync(null, components);

    public static Task<GatewayTestHost> StartAsync(Action<GatewayOptions>? configure, params ComponentDefinition[] components) =>
        StartAsync(configure, null, components);

    /// <summary><paramref name="logs"/>, when given, receives every log line of the host at every level.</summary>
    public static async Task<GatewayTestHost> StartAsync(Action<GatewayOptions>? configure, ILoggerProvider? logs, params ComponentDefinition[] components)
    {
        var appId = "gw-" + Guid.NewGuid().ToString("N")[..8];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(logs is null ? LogLevel.Warning : LogLevel.Trace);
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.UseOrleans(silo => silo.AddActorRuntimeSilo(o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.ServiceId = appId;
            o.Storage = GrainStorageKind.Memory;
            o.Reminders = ReminderStorageKind.Memory;
            o.Components = components;
        }));
        builder.Services.AddAppComponents(components);
        builder.Services.AddActorRuntimeGateway(o =>
        {
            o.AppId = appId;
            o.HttpPort = 3500;
            o.GrpcPort = 50001;
            // The test server reports local port 0; any other number keeps requests off the internal pipeline.
            o.InternalPort = InternalPort;
            o.AdvertisedHost = "127.0.0.1";
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.UseActorRuntimeGateway();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(cts.Token);
        app.Services.GetRequiredService<RuntimeReadiness>().ClusterReady = true;
        return new GatewayTestHost(app, appId);
    }

    public static ComponentDefinition InMemoryStore(string name, bool actorStateStore = false) => new()
    {
        Name = name,
        Type = "state.in-memory",
        Metadata = actorStateStore
            ? new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase) { ["actorStateStore"] = new("true") }
            : new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase),
    };

    public async ValueTask DisposeAsync()
    {
        Grpc.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
