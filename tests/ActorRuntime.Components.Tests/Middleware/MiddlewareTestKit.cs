using ActorRuntime.Components.Middleware;
using ActorRuntime.Components.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components.Tests.Middleware;

/// <summary>Definitions, requests and a settable clock for the middleware tests.</summary>
internal static class MiddlewareTestKit
{
    public static ComponentDefinition Definition(string type, params (string Name, string Value)[] metadata) => new()
    {
        Name = "mw",
        Type = type,
        SourceFile = "/tmp/components/mw.yaml",
        Metadata = metadata.ToDictionary(m => m.Name, m => new MetadataValue(m.Value), StringComparer.OrdinalIgnoreCase),
    };

    public static HttpRequestMessageMiddlewareRequest Request(string pathAndQuery, HttpMethod? method = null, string? body = null, params (string, string)[] headers)
    {
        var message = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(new Uri("http://127.0.0.1:3000"), pathAndQuery));
        if (body is not null) message.Content = new StringContent(body);
        foreach (var (k, v) in headers) message.Headers.TryAddWithoutValidation(k, v);
        return new HttpRequestMessageMiddlewareRequest(message);
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks;
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _ticks, by.Ticks);
        _now += by;
    }
}

/// <summary>A real Kestrel server on a free loopback port, with endpoints the test maps.</summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalHttpServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public Uri Url(string path) => new(BaseUri, path);

    public static async Task<LocalHttpServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LocalHttpServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
