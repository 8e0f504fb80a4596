using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using StackExchange.Redis;

namespace ActorRuntime.EndToEnd.Tests.Configuration;

/// <summary>
/// An HTTP configuration subscription outlives the runtime that held it: the runtime is killed with SIGKILL, the app
/// (an <see cref="HttpListener"/> here, so it lives on) gets a new runtime with the same app id, and changes reach it
/// again under the subscription id it was given, with no new subscribe call. The subscription is kept in the app's
/// subscription grain, whose state is in the actor state store (SQLite here).
/// </summary>
public sealed class ConfigurationSubscriptionFailoverTests : IAsyncLifetime
{
    private const string Store = "configstore";
    private readonly string _key = "failover-" + Guid.NewGuid().ToString("N")[..8];
    private readonly HttpListener _app = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Id, string Value)> _received = new();
    private readonly RuntimeSandbox _sandbox = new();
    private ConnectionMultiplexer _redis = null!;
    private int _appPort;
    private Task _serving = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            _appPort = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        _app.Prefixes.Add($"http://127.0.0.1:{_appPort}/");
        _app.Start();
        _serving = ServeAsync();
        _sandbox.AddComponent(Store, ComponentYaml.Component(Store, "configuration.redis", ("redisHost", ExternalServices.RedisHost)));
        _sandbox.AddComponent("statestore", ComponentYaml.Component("statestore", "state.sqlite",
            ("connectionString", Path.Combine(_sandbox.Data, "state.db")), ("actorStateStore", "true")));
    }

    [Fact]
    public async Task A_subscription_is_resumed_under_its_id_by_the_next_runtime_of_the_app_after_sigkill()
    {
        var first = await StartRuntimeAsync();
        var subscribe = await first.Http.GetAsync($"/v1.0/configuration/{Store}/subscribe?key={_key}");
        Assert.Equal(HttpStatusCode.OK, subscribe.StatusCode);
        var id = JsonDocument.Parse(await subscribe.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await SetUntilReceivedAsync(id, "before-kill", TimeSpan.FromSeconds(20));

        await first.KillAsync();
        await using var second = await StartRuntimeAsync();
        // The new runtime takes the subscription over once the dead one's directory lease has run out (seconds).
        await SetUntilReceivedAsync(id, "after-kill", TimeSpan.FromSeconds(60));

        // Unsubscribing through the new runtime ends it for good.
        var unsubscribe = await second.Http.GetAsync($"/v1.0/configuration/{Store}/{id}/unsubscribe");
        Assert.Equal(HttpStatusCode.OK, unsubscribe.StatusCode);
        Assert.True(JsonDocument.Parse(await unsubscribe.Content.ReadAsStringAsync()).RootElement.GetProperty("ok").GetBoolean());
        await _redis.GetDatabase().StringSetAsync(_key, "after-unsubscribe||9");
        // A window in which nothing may arrive: the delivery this guards against would come within milliseconds.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(_received, r => r.Value == "after-unsubscribe");
    }

    private async Task<RuntimeProcess> StartRuntimeAsync() =>
        await RuntimeProcess.StartAsync(_sandbox, new RuntimeStartOptions
        {
            ExtraArguments = ["--app-port", _appPort.ToString(CultureInfo.InvariantCulture)],
        });

    /// <summary>Writes the value (again every second, in case the subscription is not fed yet) until the app has it under <paramref name="id"/>.</summary>
    private async Task SetUntilReceivedAsync(string id, string value, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var version = 0;
        while (DateTime.UtcNow < deadline)
        {
            await _redis.GetDatabase().StringSetAsync(_key, $"{value}||{++version}");
            for (var i = 0; i < 10; i++)
            {
                if (_received.Any(r => r.Id == id && r.Value == value)) return;
                await Task.Delay(100);
            }
        }
        Assert.Fail($"the app never got '{value}' under subscription {id}; it got: {string.Join(", ", _received.Select(r => $"{r.Id}={r.Value}"))}");
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
                var body = doc.RootElement;
                if (body.GetProperty("items").TryGetProperty(_key, out var item))
                    _received.Enqueue((body.GetProperty("id").GetString()!, item.GetProperty("value").GetString()!));
            }
            context.Response.StatusCode = path == "/dapr/config" ? 404 : 200;
            context.Response.Close();
        }
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        _app.Stop();
        _app.Close();
        await _redis.GetDatabase().KeyDeleteAsync(_key);
        await _redis.DisposeAsync();
        _sandbox.Dispose();
    }
}
