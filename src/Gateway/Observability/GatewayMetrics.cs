using System.Diagnostics;
using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Observability;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Observability;

/// <summary>
/// One gateway's view of Dapr's metrics: the labels it adds (<c>app_id</c>, <c>namespace</c>) and the cardinality
/// rules of its Configuration file. The building blocks call it around each component operation.
/// </summary>
public sealed class GatewayMetrics(IOptions<GatewayOptions> options, RuntimeConfiguration configuration)
{
    public string AppId { get; } = options.Value.AppId;

    public string Namespace { get; } = options.Value.Namespace ?? "";

    public MetricsPathLabel Labels { get; } = new(configuration.Metrics);

    /// <summary>Awaits a state operation and records <c>dapr_component_state_*</c> for it.</summary>
    public async Task<T> State<T>(string store, string operation, Task<T> work)
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = await work.ConfigureAwait(false);
            ok = true;
            return result;
        }
        finally
        {
            ComponentMetrics.State(AppId, Namespace, store, operation, ok, DaprMeter.ElapsedMilliseconds(start));
        }
    }

    public async Task State(string store, string operation, Task work)
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await work.ConfigureAwait(false);
            ok = true;
        }
        finally
        {
            ComponentMetrics.State(AppId, Namespace, store, operation, ok, DaprMeter.ElapsedMilliseconds(start));
        }
    }

    /// <summary>Awaits a secret store call and records <c>dapr_component_secret_*</c> (no-op while metrics are off).</summary>
    public async Task<T> Secret<T>(string store, string operation, Task<T> work)
    {
        if (!ComponentMetrics.Enabled) return await work.ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = await work.ConfigureAwait(false);
            ok = true;
            return result;
        }
        finally
        {
            ComponentMetrics.Secret(AppId, Namespace, store, operation, ok, DaprMeter.ElapsedMilliseconds(start));
        }
    }

    /// <summary>Awaits a publish and records <c>dapr_component_pubsub_egress_*</c>.</summary>
    public async Task Publish(string pubsub, string topic, Task work)
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await work.ConfigureAwait(false);
            ok = true;
        }
        finally
        {
            ComponentMetrics.PubSubEgress(AppId, Namespace, pubsub, topic, ok, DaprMeter.ElapsedMilliseconds(start));
        }
    }
}
