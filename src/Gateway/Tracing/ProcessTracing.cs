using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Http;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>
/// One tracer provider per process. .NET's activity listeners are process-wide, so two providers (one per gateway of
/// <c>actorrt run -f</c>, say) would each export every span; the first gateway with <c>spec.tracing</c> starts it, the
/// others share it, the last one to stop flushes and ends it. Its service name is that first gateway's app id.
/// </summary>
internal static class ProcessTracing
{
    private static readonly Lock Gate = new();
    private static TracerProvider? _provider;
    private static int _users;

    public static IDisposable? Acquire(TracingSpec spec, string serviceName)
    {
        if (!spec.IsEnabled) return null;
        lock (Gate)
        {
            _provider ??= Build(spec, serviceName);
            _users++;
            OutboundTracePropagator.Enabled = true;
            return new Lease();
        }
    }

    public static bool IsActive => Volatile.Read(ref _provider) is not null;

    public static void Flush() => Volatile.Read(ref _provider)?.ForceFlush(5000);

    private static TracerProvider Build(TracingSpec spec, string serviceName) =>
        Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
            // As daprd: the caller's sampling decision is kept, new traces are sampled at samplingRate; only requests
            // and deliveries start traces (TraceStartSampler).
            .SetSampler(new ParentBasedSampler(new TraceStartSampler(spec.Rate)))
            .AddSource(RuntimeTelemetry.SourceName)
            .AddSource(RuntimeTelemetry.OrleansSources)
            .AddAspNetCoreInstrumentation(o => o.Filter = http => TracedRequests.IsTraced(http.Request))
            .AddHttpClientInstrumentation()
            .AddExporters(spec)
            .Build();

    private sealed class Lease : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            lock (Gate)
            {
                if (--_users > 0) return;
                OutboundTracePropagator.Enabled = false;
                _provider?.Dispose(); // flushes what is still batched
                _provider = null;
            }
        }
    }
}
