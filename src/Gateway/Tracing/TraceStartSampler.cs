using System.Diagnostics;
using OpenTelemetry.Trace;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>
/// Decides for spans that have no parent, i.e. which work may start a trace: a request to the runtime and a pub/sub
/// delivery, sampled at <c>samplingRate</c>. The runtime's own background work (Orleans timers, membership and reminder
/// table reads, app health probes, key fetches) starts none, so an idle runtime exports nothing; the same work done
/// for a traced request still shows up, as a child, through the parent-based sampler around this one.
/// </summary>
internal sealed class TraceStartSampler(double rate) : Sampler
{
    private const string IncomingRequest = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly TraceIdRatioBasedSampler _ratio = new(rate);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var startsTrace = samplingParameters.Name == IncomingRequest
            || (samplingParameters.Kind == ActivityKind.Consumer && samplingParameters.Name.StartsWith(DeliverySpan.NamePrefix, StringComparison.Ordinal));
        return startsTrace ? _ratio.ShouldSample(samplingParameters) : Drop;
    }
}
