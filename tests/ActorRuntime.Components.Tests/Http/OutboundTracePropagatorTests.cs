using System.Diagnostics;
using ActorRuntime.Components.Http;

namespace ActorRuntime.Components.Tests.Http;

/// <summary>The runtime's own traceparent stays unless spans are exported and the client span is recorded.</summary>
[Collection(Name)]
public sealed class OutboundTracePropagatorTests : IDisposable
{
    public const string Name = "outbound trace propagator (process-wide switch)";
    private const string Own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static HttpRequestMessage Request()
    {
        var r = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        r.Headers.TryAddWithoutValidation("traceparent", Own);
        return r;
    }

    private static Activity Span(bool recorded)
    {
        var a = new Activity("client");
        a.SetIdFormat(ActivityIdFormat.W3C);
        a.Start();
        a.ActivityTraceFlags = recorded ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None; // after Start: a child inherits its parent's
        return a;
    }

    [Fact]
    public void Off_it_adds_nothing()
    {
        OutboundTracePropagator.Enabled = false;
        using var span = Span(recorded: true);
        using var request = Request();
        OutboundTracePropagator.Instance.Inject(span, request, null);
        Assert.Equal(Own, request.Headers.GetValues("traceparent").Single());
    }

    [Fact]
    public void On_a_recorded_client_span_becomes_the_parent_of_the_next_hop()
    {
        OutboundTracePropagator.Enabled = true;
        using var span = Span(recorded: true);
        using var request = Request();
        OutboundTracePropagator.Instance.Inject(span, request, null);
        Assert.Equal(span.Id, request.Headers.GetValues("traceparent").Single());
    }

    [Fact]
    public void On_an_unrecorded_span_is_not_named_as_a_parent()
    {
        OutboundTracePropagator.Enabled = true;
        Activity.Current = null;
        using var unrecorded = Span(recorded: false);
        Assert.False(unrecorded.Recorded);
        using var other = Request();
        OutboundTracePropagator.Instance.Inject(unrecorded, other, null);
        Assert.Equal(Own, other.Headers.GetValues("traceparent").Single());
    }

    public void Dispose() => OutboundTracePropagator.Enabled = false;
}
