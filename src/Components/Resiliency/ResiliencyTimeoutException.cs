namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// An attempt ran longer than its timeout policy allows. A <see cref="TimeoutException"/> so callers that already
/// map timeouts (e.g. to HTTP 504/500) keep working, distinct so they can tell it from the target's own timeouts.
/// </summary>
public sealed class ResiliencyTimeoutException : TimeoutException
{
    public ResiliencyTimeoutException(string target, TimeSpan timeout)
        : base($"call to {target} timed out after {timeout.TotalMilliseconds:0.###}ms (resiliency timeout policy)")
    {
        Target = target;
        Timeout = timeout;
    }

    /// <summary>The app, actor or component that was called, as messages name it (e.g. <c>component 'store' (outbound)</c>).</summary>
    public string Target { get; }

    /// <summary>The per-attempt limit that was exceeded.</summary>
    public TimeSpan Timeout { get; }
}
