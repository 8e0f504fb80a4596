using System.Collections.Concurrent;
using System.Net;
using ActorRuntime.Components.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Tests.Security;

/// <summary>
/// <c>APP_API_TOKEN</c> travels as <c>dapr-api-token</c> on every kind of call the gateway makes into a real (HTTP) app:
/// <c>/dapr/config</c>, <c>/dapr/subscribe</c>, health probes, actor calls and pub/sub deliveries; neither token shows up
/// in any log line of the runtime, at any level.
/// </summary>
public sealed class AppApiTokenTests
{
    private const string ApiToken = "api-tok-51c2e7";
    private const string AppToken = "app-tok-9d04b3";

    [Fact]
    public async Task Every_call_into_the_app_carries_the_app_token_and_no_log_line_holds_a_token()
    {
        var calls = new ConcurrentQueue<(string Path, string Token)>();
        await using var app = await StartRecordingAppAsync(calls);
        var logs = new CapturingLogs();
        var pubsub = new ComponentDefinition
        {
            Name = "ps",
            Type = "pubsub.in-memory",
            Metadata = new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase),
        };
        await using (var gateway = await GatewayTestHost.StartAsync(o =>
        {
            o.ApiToken = ApiToken;
            o.AppApiToken = AppToken;
            o.AppPort = app.Port;
            o.AppHealthCheckEnabled = true;
            o.AppHealthProbeIntervalSeconds = 1;
        }, logs, GatewayTestHost.InMemoryStore("statestore", actorStateStore: true), pubsub))
        {
            await WaitForAsync(() => Seen(calls, "/dapr/config") && Seen(calls, "/dapr/subscribe") && Seen(calls, "/healthz"), "config, subscribe and health probe");

            await WaitForAsync(async () =>
            {
                using var actor = new HttpRequestMessage(HttpMethod.Put, "/v1.0/actors/tokactor/a1/method/hello") { Content = new StringContent("{}") };
                actor.Headers.Add("dapr-api-token", ApiToken);
                using var response = await gateway.Http.SendAsync(actor);
                return response.StatusCode == HttpStatusCode.OK;
            }, "an actor call answered");

            await WaitForAsync(async () =>
            {
                using var publish = new HttpRequestMessage(HttpMethod.Post, "/v1.0/publish/ps/t") { Content = new StringContent("{\"n\":1}", System.Text.Encoding.UTF8, "application/json") };
                publish.Headers.Add("dapr-api-token", ApiToken);
                using var response = await gateway.Http.SendAsync(publish);
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                for (var i = 0; i < 20 && !Seen(calls, "/ev"); i++) await Task.Delay(100);
                return Seen(calls, "/ev");
            }, "a pub/sub delivery");
        }

        Assert.True(Seen(calls, "/actors/tokactor/a1/method/hello"));
        var without = calls.Where(c => c.Token != AppToken).Select(c => $"{c.Path} ({c.Token})").Distinct().ToList();
        Assert.Empty(without);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(ApiToken, StringComparison.Ordinal) || l.Contains(AppToken, StringComparison.Ordinal));
    }

    private static bool Seen(IEnumerable<(string Path, string Token)> calls, string path) => calls.Any(c => c.Path == path);

    private static async Task WaitForAsync(Func<bool> condition, string what) => await WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>A plain HTTP app on a free port that records each call's path and token and answers as a Dapr app would.</summary>
    private static async Task<RecordingApp> StartRecordingAppAsync(ConcurrentQueue<(string, string)> calls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var web = builder.Build();
        web.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "";
            calls.Enqueue((path, http.Request.Headers["dapr-api-token"].ToString()));
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(path switch
            {
                "/dapr/config" => "{\"entities\":[\"tokactor\"]}",
                "/dapr/subscribe" => "[{\"pubsubname\":\"ps\",\"topic\":\"t\",\"route\":\"/ev\"}]",
                "/ev" => "{\"status\":\"SUCCESS\"}",
                _ => "{}",
            });
        });
        await web.StartAsync();
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RecordingApp(web, new Uri(address).Port);
    }

    private sealed record RecordingApp(WebApplication Web, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Web.DisposeAsync();
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        private sealed class Logger(CapturingLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category} {formatter(state, exception)} {exception}");
        }
    }
}
