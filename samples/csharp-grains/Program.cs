// A user's own silo host: the ActorRuntime cluster (membership, grain storage, reminders, the runtime's grains)
// plus this project's grains (CounterGrain, and GreeterGrain: a Dapr actor written in C#). Run it beside `actorrt run`
// and both join one Orleans cluster.
//
//   dotnet run --project samples/csharp-grains                                   # silo, machine-local cluster
//   dotnet run --project samples/csharp-grains -- --cluster postgresql --connection-string "Host=...;Database=..."
//   dotnet run --project samples/csharp-grains -- call c1 increment              # a client calling the grain
//
// Flags (or appsettings.json / environment variables, section ActorRuntime:Silo):
//   --cluster localhost|postgresql|redis   --connection-string <Npgsql or Redis configuration>   --cluster-id <id>
//   --storage statestore|postgresql|redis|memory   --reminders localhost|postgresql|redis|memory
//   --resources-path <folder of component files, default ~/.actorrt/components>   --gateway-port <port, default 30100>

using System.Net;
using ActorRuntime.Silo.Clustering;
using ActorRuntime.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using UserSilo;

if (args is ["call", var key, .. var rest])
    return await CallAsync(key, rest);

var builder = Host.CreateApplicationBuilder(args);
var settings = Settings.From(builder.Configuration);
builder.UseOrleans(silo => silo.AddActorRuntimeSilo(o =>
{
    o.Cluster = settings.Cluster;
    o.ConnectionString = settings.ConnectionString;
    o.ClusterId = settings.ClusterId;
    o.ServiceId = settings.ClusterId;
    // A free silo port, and a known gateway port: clients calling CounterGrain must enter the cluster through a silo
    // that has this assembly (see README.md), so `call` connects to this one.
    o.SiloPort = 0;
    o.GatewayPort = settings.GatewayPort;
    o.LocalGatewayPort = settings.GatewayPort;
    if (settings.Storage is { } storage) o.Storage = ActorRuntimeSiloOptions.ParseStorage(storage);
    if (settings.Reminders is { } reminders) o.Reminders = ActorRuntimeSiloOptions.ParseReminders(reminders);
    if (settings.ResourcesPath is { } path) o.ResourcesPaths = [path];
}));
await builder.Build().RunAsync();
return 0;

// `call <key> [get|increment|tick <seconds>|stop]`: an Orleans client that talks to the gateway of the host above.
static async Task<int> CallAsync(string key, string[] rest)
{
    var verb = rest.Length > 0 && !rest[0].StartsWith('-') ? rest[0] : "increment";
    var builder = Host.CreateApplicationBuilder(rest.SkipWhile(a => !a.StartsWith('-')).ToArray());
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    var settings = Settings.From(builder.Configuration);
    var (clusterId, serviceId) = settings.Cluster == ClusterMode.Localhost
        ? (LocalClusterOptions.DefaultClusterId, LocalClusterOptions.DefaultServiceId)
        : (settings.ClusterId, settings.ClusterId);
    builder.UseOrleansClient(client => client
        .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, settings.GatewayPort))
        .UseActorRuntimeMtlsIfConfigured("csharp-grains-call") // the cluster's mTLS, when its home has a CA
        .Configure<ClusterOptions>(c =>
        {
            c.ClusterId = clusterId;
            c.ServiceId = serviceId;
        }));
    using var host = builder.Build();
    await host.StartAsync();
    var counter = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(key);
    switch (verb)
    {
        case "get":
            break;
        case "increment":
            await counter.Increment();
            break;
        case "tick":
            var seconds = rest.Length > 1 && double.TryParse(rest[1], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 2;
            await counter.StartTicking(TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"counter {key}: ticking every {seconds} s");
            break;
        case "stop":
            await counter.StopTicking();
            Console.WriteLine($"counter {key}: stopped ticking");
            break;
        default:
            Console.Error.WriteLine($"unknown verb '{verb}': use get, increment, tick <seconds> or stop");
            return 2;
    }
    var snapshot = await counter.Get();
    Console.WriteLine($"counter {key}: count={snapshot.Count} ticks={snapshot.Ticks}");
    await host.StopAsync();
    return 0;
}

namespace UserSilo
{
    /// <summary>The few settings this program reads: flags first, then the <c>ActorRuntime:Silo</c> section.</summary>
    internal sealed record Settings(
        ClusterMode Cluster, string? ConnectionString, string ClusterId, int GatewayPort, string? Storage, string? Reminders, string? ResourcesPath)
    {
        public const int DefaultGatewayPort = 30100;

        public static Settings From(IConfiguration configuration)
        {
            var section = configuration.GetSection(ActorRuntimeSiloOptions.SectionName);
            string? Get(string flag, string key) => configuration[flag] ?? section[key];
            var cluster = Get("cluster", "Cluster")?.Trim().ToLowerInvariant() switch
            {
                null or "" or "localhost" or "local" => ClusterMode.Localhost,
                "postgresql" or "postgres" => ClusterMode.PostgreSql,
                "redis" => ClusterMode.Redis,
                var other => throw new ArgumentException($"--cluster must be localhost, postgresql or redis, not '{other}'"),
            };
            var port = Get("gateway-port", "GatewayPort") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : DefaultGatewayPort;
            return new Settings(
                cluster,
                Get("connection-string", "ConnectionString"),
                Get("cluster-id", "ClusterId") ?? "actorrt",
                port,
                Get("storage", "Storage"),
                Get("reminders", "Reminders"),
                Get("resources-path", "ResourcesPath"));
        }
    }
}
