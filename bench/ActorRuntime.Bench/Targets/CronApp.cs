using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Bench.Targets;

/// <summary>
/// The app behind the <c>cron</c> scenario, in this process: answers the runtime's <c>OPTIONS /{binding}</c> probe and
/// takes <c>POST /{binding}</c>, recording per event the delay from the tick it stands for (<c>readTimeUTC</c>) to its
/// arrival here, and every (binding, tick) pair so duplicates are counted.
/// </summary>
internal sealed class CronApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(DateTime Tick, double DelayMs)> _events = new();
    private readonly ConcurrentDictionary<(string Binding, DateTime Tick), int> _seen = new();
    private readonly ConcurrentDictionary<string, byte> _bindings = new(StringComparer.Ordinal);

    private CronApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public int BindingsFired => _bindings.Count;
    public int Duplicates => _seen.Values.Sum(v => v - 1);

    /// <summary>Delays (ms) of the events whose tick is in [from, to).</summary>
    public List<double> DelaysBetween(DateTime from, DateTime to) => [.. _events.Where(e => e.Tick >= from && e.Tick < to).Select(e => e.DelayMs)];

    public static async Task<CronApp> StartAsync()
    {
        var port = BenchApps.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-bench-cron" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        CronApp? self = null;
        app.MapMethods("/{binding}", ["OPTIONS"], () => Results.Ok());
        app.MapPost("/{binding}", (HttpContext http, string binding) =>
        {
            var now = DateTime.UtcNow;
            var text = http.Request.Headers["readTimeUTC"].ToString();
            if (text.Length >= 27 && DateTime.TryParseExact(text[..27], "yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var tick))
            {
                self!._events.Enqueue((tick, (now - tick).TotalMilliseconds));
                self._seen.AddOrUpdate((binding, tick), 1, (_, n) => n + 1);
                self._bindings.TryAdd(binding, 0);
            }
            return Results.Ok();
        });
        self = new CronApp(app, port);
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
