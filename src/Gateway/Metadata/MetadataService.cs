using System.Collections.Concurrent;
using ActorRuntime.Components;
using ActorRuntime.Components.State;
using ActorRuntime.Gateway.PubSub;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Metadata;

/// <summary>Builds the metadata answer and keeps the attributes apps set with <c>PUT /v1.0/metadata/{key}</c> (in memory, as Dapr).</summary>
public sealed class MetadataService(ComponentRegistry components, IOptions<GatewayOptions> options, IServiceProvider services)
{
    public const string RuntimeVersion = "0.1.0";
    private readonly ConcurrentDictionary<string, string> _extended = new(options.Value.ExtendedMetadata, StringComparer.Ordinal);

    public void SetAttribute(string key, string value) => _extended[key] = value;

    public MetadataResponse Get()
    {
        var o = options.Value;
        var registered = components.Definitions
            .Select(d => new RegisteredComponent(d.Name, d.Type, d.Version, Capabilities(d.Name)))
            .ToList();
        var app = o.AppPort is { } port
            ? new AppConnection(port, o.AppProtocol, o.AppChannelAddress, o.AppMaxConcurrency > 0 ? o.AppMaxConcurrency : null)
            : null;
        var extended = new SortedDictionary<string, string>(_extended, StringComparer.Ordinal)
        {
            ["daprRuntimeVersion"] = RuntimeVersion,
        };
        // Pub/sub is optional in a gateway built by hand: no subscriptions then.
        var subscriptions = SubscriptionsMetadata.From(
            (AppSubscriptions?)services.GetService(typeof(AppSubscriptions)), (StreamingSubscription?)services.GetService(typeof(StreamingSubscription)));
        return new MetadataResponse(o.AppId, RuntimeVersion, [], [], registered, extended, subscriptions, [], app,
            new ActorRuntimeStatus("RUNNING", [], false, "connected to the Orleans cluster"));
    }

    private IReadOnlyList<string> Capabilities(string name)
    {
        var capabilities = components.Capabilities(name);
        // Dapr reports ACTOR only for the store chosen with actorStateStore: "true".
        return components.ActorStateStoreName == name ? capabilities : [.. capabilities.Where(c => c != "ACTOR")];
    }
}
