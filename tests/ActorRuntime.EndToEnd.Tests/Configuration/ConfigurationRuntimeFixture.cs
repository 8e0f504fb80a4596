using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using StackExchange.Redis;

namespace ActorRuntime.EndToEnd.Tests.Configuration;

/// <summary>
/// A runtime with a <c>configuration.redis</c> store named <c>configstore</c>, and an app (an <see cref="HttpListener"/>
/// in this process) that records the configuration updates the runtime POSTs to it.
/// </summary>
public sealed class ConfigurationRuntimeFixture : IAsyncLifetime
{
    public const string Store = "configstore";
    private readonly HttpListener _app = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public RuntimeSandbox Sandbox { get; } = new();
    public RuntimeProcess Runtime { get; private set; } = null!;
    public ConnectionMultiplexer Redis { get; private set; } = null!;

    /// <summary>Every update the app received: (path, body, when).</summary>
    public ConcurrentQueue<(string Path, JsonElement Body, DateTime At)> Received { get; } = new();

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        var port = FreePort();
        _app.Prefixes.Add($"http://127.0.0.1:{port}/");
        _app.Start();
        _serving = ServeAsync();
        Sandbox.AddComponent(Store, ComponentYaml.Component(Store, "configuration.redis", ("redisHost", ExternalServices.RedisHost)));
        Runtime = await RuntimeProcess.StartAsync(Sandbox, new RuntimeStartOptions { ExtraArguments = ["--app-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)] });
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _app.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_app.IsListening)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            if (context.Request.HttpMethod == "POST" && path.StartsWith("/configuration/", StringComparison.Ordinal))
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.InputStream);
                Received.Enqueue((Uri.UnescapeDataString(path), doc.RootElement.Clone(), DateTime.UtcNow));
            }
            context.Response.StatusCode = path == "/dapr/config" ? 404 : 200;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Runtime is not null)
            {
                await Runtime.StopAsync(TimeSpan.FromSeconds(20));
                await Runtime.DisposeAsync();
            }
        }
        finally
        {
            _stop.Cancel();
            _app.Stop();
            _app.Close();
            await Redis.DisposeAsync();
            Sandbox.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConfigurationRuntimeCollection : ICollectionFixture<ConfigurationRuntimeFixture>
{
    public const string Name = "configuration runtime";
}
