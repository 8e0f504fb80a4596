using System.Diagnostics;
using ActorRuntime.Components.Configuration;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>
/// This gateway's part in the process's tracing: started when the gateway is set up (before it serves, so its first
/// requests are traced), flushed when it stops, released when it is disposed.
/// </summary>
public sealed class GatewayTracing : IDisposable
{
    private readonly IDisposable? _lease;

    public GatewayTracing(RuntimeConfiguration configuration, IOptions<GatewayOptions> options)
    {
        if (configuration.Tracing is { } spec) _lease = ProcessTracing.Acquire(spec, options.Value.AppId);
    }

    /// <summary>True when this process exports spans.</summary>
    public static bool IsActive => ProcessTracing.IsActive;

    /// <summary>
    /// The <c>traceparent</c> of the current span when the process exports spans (the request's server span), so
    /// what the gateway passes on names a span that exists; null otherwise.
    /// </summary>
    public static string? CurrentTraceParent() =>
        ProcessTracing.IsActive && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } a ? a.Id : null;

    public void Flush() => ProcessTracing.Flush();

    public void Dispose() => _lease?.Dispose();
}
