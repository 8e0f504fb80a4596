using System.Diagnostics;
using ActorRuntime.Gateway.Tracing;
using OpenTelemetry.Trace;

namespace ActorRuntime.Gateway.Tests;

/// <summary>Which parentless spans may start a trace: requests and deliveries, not the runtime's background work.</summary>
public sealed class TraceStartSamplerTests
{
    private static SamplingDecision Decide(double rate, string name, ActivityKind kind) =>
        new TraceStartSampler(rate).ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), name, kind)).Decision;

    [Fact]
    public void Requests_and_deliveries_start_traces_at_the_sampling_rate()
    {
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(1, "Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(1, "process orders", ActivityKind.Consumer));
        Assert.Equal(SamplingDecision.Drop, Decide(0, "Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server));
    }

    [Theory]
    [InlineData("IGrainTimerInvoker/InvokeCallbackAsync", ActivityKind.Server)]
    [InlineData("IMembershipTable/ReadAllAsync", ActivityKind.Client)]
    [InlineData("System.Net.Http.HttpRequestOut", ActivityKind.Client)]
    public void Background_work_starts_none(string name, ActivityKind kind) =>
        Assert.Equal(SamplingDecision.Drop, Decide(1, name, kind));
}
