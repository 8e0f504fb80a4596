using System.Diagnostics;

namespace ActorRuntime.Components.Http;

/// <summary>
/// What the runtime's outbound HTTP handlers (<see cref="RuntimeHttp.CreateHandler"/>) do with trace headers. The
/// runtime sets <c>traceparent</c> itself on every call it makes (Dapr passes trace context along even with tracing
/// off), so by default this adds nothing. When the process exports traces (<see cref="Enabled"/>), it replaces that
/// header with the HTTP client span's own context, so the next hop's span is that client span's child.
/// </summary>
public sealed class OutboundTracePropagator : DistributedContextPropagator
{
    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";
    private static readonly DistributedContextPropagator Default = CreateDefaultPropagator();

    public static OutboundTracePropagator Instance { get; } = new();

    private static volatile bool _enabled;

    /// <summary>Set while this process exports spans.</summary>
    public static bool Enabled { get => _enabled; set => _enabled = value; }

    public override IReadOnlyCollection<string> Fields { get; } = [TraceParent, TraceState];

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        // An unrecorded span is not exported: naming it as the parent would point the next hop at nothing.
        if (!_enabled || activity is not { Recorded: true, IdFormat: ActivityIdFormat.W3C } || carrier is not HttpRequestMessage request) return;
        request.Headers.Remove(TraceParent);
        request.Headers.TryAddWithoutValidation(TraceParent, activity.Id);
        if (!string.IsNullOrEmpty(activity.TraceStateString) && !request.Headers.Contains(TraceState))
            request.Headers.TryAddWithoutValidation(TraceState, activity.TraceStateString);
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
        Default.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        Default.ExtractBaggage(carrier, getter);
}
