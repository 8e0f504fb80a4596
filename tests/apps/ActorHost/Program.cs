// Actor host for the end-to-end actor tests. Written only against Dapr's documented contract and the official
// .NET SDK (Dapr.Actors.AspNetCore): `actorrt run --app-id actorhost --app-port P -- dotnet ActorHost.dll`.
//
// Environment:
//   APP_PORT                 port to listen on (set by `actorrt run` from --app-port; default 5000)
//   IDLE_TIMEOUT_SECONDS     optional actorIdleTimeout for every type (the scan interval is then 1 s)
//   REENTRANCY_FOR_ALL       "true" turns reentrancy on globally (default: only ReentrantActor has it, per type)
using ActorTestApps;
using Dapr.Actors;
using Dapr.Actors.Runtime;

var builder = WebApplication.CreateBuilder(args);
var port = Environment.GetEnvironmentVariable("APP_PORT") is { Length: > 0 } p ? p : "5000";
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddActors(options =>
{
    if (int.TryParse(Environment.GetEnvironmentVariable("IDLE_TIMEOUT_SECONDS"), out var idle) && idle > 0)
    {
        options.ActorIdleTimeout = TimeSpan.FromSeconds(idle);
        options.ActorScanInterval = TimeSpan.FromSeconds(1);
    }
    if (string.Equals(Environment.GetEnvironmentVariable("REENTRANCY_FOR_ALL"), "true", StringComparison.OrdinalIgnoreCase))
        options.ReentrancyConfig = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 32 };

    options.Actors.RegisterActor<CounterActor>();
    options.Actors.RegisterActor<ReminderActor>();
    // Reentrancy per actor type: sent to the runtime in /dapr/config under entitiesConfig.
    options.Actors.RegisterActor<ReentrantActor>(typeOptions: new ActorRuntimeOptions
    {
        ReentrancyConfig = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 32 },
    });
    options.Actors.RegisterActor<NonReentrantActor>();
    foreach (var name in ResilientActor.TypeNames) options.Actors.RegisterActor<ResilientActor>(name);
});

var app = builder.Build();
app.MapActorsHandlers();
Console.WriteLine($"ActorHost {HostInfo.Instance} listening on {port}");
app.Run();

internal static class HostInfo
{
    public static string Instance { get; } =
        $"{Environment.GetEnvironmentVariable("APP_ID") ?? "actorhost"}:{Environment.ProcessId}";

    private static readonly object ConsoleLock = new();

    /// <summary>One whole line on stdout, flushed at once (the tests read these lines from `actorrt run`'s output).</summary>
    public static void Print(string line)
    {
        lock (ConsoleLock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    public static string Now() => DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Prints ACTIVATED/DEACTIVATED lines for every test actor.</summary>
public abstract class TracedActor(ActorHost host) : Actor(host)
{
    protected override Task OnActivateAsync()
    {
        HostInfo.Print($"ACTIVATED {Host.ActorTypeInfo.ActorTypeName} {Id}");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        HostInfo.Print($"DEACTIVATED {Host.ActorTypeInfo.ActorTypeName} {Id}");
        return Task.CompletedTask;
    }

    public Task<string> WhoAmI() => Task.FromResult(HostInfo.Instance);
}

internal static class StateManagerExtensions
{
    public static async Task<T?> GetOrDefaultAsync<T>(this IActorStateManager state, string key)
    {
        var found = await state.TryGetStateAsync<T>(key);
        return found.HasValue ? found.Value : default;
    }
}
