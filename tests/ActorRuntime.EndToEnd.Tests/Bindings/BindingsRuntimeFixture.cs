using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>
/// One runtime with an output binding of every kind, written as Dapr's docs write them: <c>redis-binding</c>
/// (<c>bindings.redis</c>), <c>sqldb</c> (<c>bindings.postgresql</c>, libpq connection string as in the bindings
/// quickstart), <c>webhook</c> (<c>bindings.http</c> to an <see cref="HttpListener"/> in this process that records what it
/// gets and answers <c>/status/{code}</c> with that code) and <c>files</c> (<c>bindings.localstorage</c>).
/// </summary>
public sealed class BindingsRuntimeFixture : IAsyncLifetime
{
    private readonly HttpListener _target = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public RuntimeSandbox Sandbox { get; } = new();
    public RuntimeProcess Runtime { get; private set; } = null!;
    public ConnectionMultiplexer Redis { get; private set; } = null!;
    public string Table { get; private set; } = "";
    public string FilesRoot => Path.Combine(Sandbox.Root, "files");

    /// <summary>Requests the HTTP binding sent: method, path and query, headers, body.</summary>
    public ConcurrentQueue<(string Method, string Path, NameValueCollectionCopy Headers, string Body)> Received { get; } = new();

    public sealed record NameValueCollectionCopy(IReadOnlyDictionary<string, string> Values)
    {
        public string? this[string name] => Values.TryGetValue(name, out var v) ? v : null;
    }

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        await ExternalServices.EnsurePostgresAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        var port = FreePort();
        _target.Prefixes.Add($"http://127.0.0.1:{port}/");
        _target.Start();
        _serving = ServeAsync();

        Table = Sandbox.UniqueName("orders");
        Sandbox.PostgresTables.Add(Table);
        var pg = new NpgsqlConnectionStringBuilder(ExternalServices.PostgresConnectionString);
        Sandbox.AddComponent("redis-binding", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: redis-binding
            spec:
              type: bindings.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{ExternalServices.RedisHost}"
              - name: redisPassword
                value: ""
            """);
        Sandbox.AddComponent("sqldb", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: sqldb
            spec:
              type: bindings.postgresql
              version: v1
              metadata:
              - name: connectionString
                value: "user={pg.Username} host={pg.Host} port={pg.Port} database={pg.Database} connect_timeout=10"
            """);
        Sandbox.AddComponent("webhook", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: webhook
            spec:
              type: bindings.http
              version: v1
              metadata:
              - name: url
                value: "http://127.0.0.1:{port}/api"
              - name: securityToken
                value: "e2e-token"
              - name: securityTokenHeader
                value: "X-Api-Token"
              - name: direction
                value: "output"
            """);
        Sandbox.AddComponent("files", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: files
            spec:
              type: bindings.localstorage
              version: v1
              metadata:
              - name: rootPath
                value: "{FilesRoot}"
            """);
        Runtime = await RuntimeProcess.StartAsync(Sandbox, new RuntimeStartOptions { LogLevel = "debug" });
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _target.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_target.IsListening)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var path = context.Request.Url!.PathAndQuery;
            Received.Enqueue((context.Request.HttpMethod, path, new NameValueCollectionCopy(headers), body));
            var status = path.StartsWith("/api/status/", StringComparison.Ordinal) ? int.Parse(path["/api/status/".Length..], System.Globalization.CultureInfo.InvariantCulture) : 200;
            context.Response.StatusCode = status;
            context.Response.Headers["X-Target"] = "listener";
            var answer = System.Text.Encoding.UTF8.GetBytes($"{context.Request.HttpMethod} {body}");
            await context.Response.OutputStream.WriteAsync(answer);
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
            await Sandbox.CleanExternalDataAsync();
        }
        finally
        {
            _stop.Cancel();
            _target.Close();
            await Redis.DisposeAsync();
            Sandbox.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BindingsRuntimeCollection : ICollectionFixture<BindingsRuntimeFixture>
{
    public const string Name = "bindings runtime";
}
