namespace ActorRuntime.Grains.Bindings;

/// <summary>What a cron binding grain keeps across activations: its schedule and the last tick it fired.</summary>
[GenerateSerializer, Alias("actorrt.bindings.cronstate")]
public sealed class CronBindingState
{
    [Id(0)] public string? Schedule { get; set; }
    [Id(1)] public DateTimeOffset? LastFired { get; set; }
}
