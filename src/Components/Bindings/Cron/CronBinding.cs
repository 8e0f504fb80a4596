using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings.Cron;

/// <summary>
/// <c>bindings.cron</c> (input): fires at each tick of its <c>schedule</c>. It reads nothing from outside, so it has no
/// connection; the runtime fires it once per tick per app id through a cluster-wide grain rather than in every
/// instance, as Dapr's per-replica cron would. Each event has no data and Dapr's metadata (<see cref="EventMetadata"/>).
/// </summary>
public sealed class CronBinding : IBinding
{
    public const string TypeName = "bindings.cron";

    public CronBinding(ComponentDefinition definition)
    {
        Name = definition.Name;
        var metadata = definition.GetMetadata();
        var text = metadata.GetRequiredString("schedule");
        if (!CronSchedule.TryParse(text, out var schedule, out var error)) throw metadata.Error("schedule", error);
        Schedule = schedule;
    }

    public string Name { get; }
    public string Type => TypeName;
    public CronSchedule Schedule { get; }
    public IReadOnlyList<string> Capabilities { get; } = [OutputBindingCapabilities.Input];

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What Dapr's cron binding sends with each event: the schedule's time zone and the tick's time, in Go's <c>time.String()</c> form.</summary>
    public static Dictionary<string, string> EventMetadata(DateTimeOffset firedAt, TimeZoneInfo zone) => new(StringComparer.Ordinal)
    {
        ["timeZone"] = zone.Id,
        ["readTimeUTC"] = firedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture) + " +0000 UTC",
    };

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
