using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>
/// W3C trace context as daprd handles it: a valid incoming <c>traceparent</c> keeps its trace id, a missing or
/// malformed one starts a new trace; this hop gets its own span id, and the result (with <c>tracestate</c>) is
/// returned on the response and kept for calls the gateway makes onward.
/// </summary>
internal sealed class TraceContextMiddleware(RequestDelegate next)
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string ItemKey = "actorrt.traceparent";

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[TraceParent].ToString();
        // With tracing exported, this hop is the request's server span; otherwise a fresh span id stands for it.
        // With tracing exported and no span (the sampler left this request out), a new trace is passed on as not
        // sampled, so the next runtime does not record the rest of a trace whose start is missing.
        var traceparent = Tracing.GatewayTracing.CurrentTraceParent()
            ?? ChildOf(incoming, newTraceFlags: Tracing.GatewayTracing.IsActive ? "00" : "01");
        context.Items[ItemKey] = traceparent;
        var tracestate = context.Request.Headers[TraceState].ToString();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[TraceParent] = traceparent;
            if (tracestate.Length > 0) context.Response.Headers[TraceState] = tracestate;
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary><c>00-{trace id}-{new span id}-{flags}</c>, keeping the parent's trace id and flags when it is valid.</summary>
    internal static string ChildOf(string parent, string newTraceFlags = "01")
    {
        Span<byte> span = stackalloc byte[8];
        Random.Shared.NextBytes(span); // ids need to be unique, not secret: skip the CSPRNG on the hot path
        var spanId = Convert.ToHexStringLower(span);
        if (TryParse(parent, out var traceId, out var flags)) return $"00-{traceId}-{spanId}-{flags}";
        Span<byte> trace = stackalloc byte[16];
        Random.Shared.NextBytes(trace);
        return $"00-{Convert.ToHexStringLower(trace)}-{spanId}-{newTraceFlags}";
    }

    private static bool TryParse(string value, out string traceId, out string flags)
    {
        traceId = flags = "";
        var parts = value.Trim().Split('-');
        if (parts.Length < 4 || parts[0].Length != 2 || parts[0] == "ff" || parts[1].Length != 32 || parts[2].Length != 16 || parts[3].Length != 2) return false;
        if (!IsLowerHex(parts[0]) || !IsLowerHex(parts[1]) || !IsLowerHex(parts[2]) || !IsLowerHex(parts[3])) return false;
        if (parts[1].All(c => c == '0') || parts[2].All(c => c == '0')) return false;
        traceId = parts[1];
        flags = parts[3];
        return true;
    }

    private static bool IsLowerHex(string s) => s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
