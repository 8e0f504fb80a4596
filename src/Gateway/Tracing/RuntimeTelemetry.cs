using System.Diagnostics;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>The runtime's own spans (pub/sub deliveries); HTTP and grain-call spans come from .NET and Orleans.</summary>
public static class RuntimeTelemetry
{
    public const string SourceName = "ActorRuntime.Gateway";

    /// <summary>Orleans' activity sources: grain calls of the runtime itself and of applications.</summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static ActivitySource Source { get; } = new(SourceName);
}
