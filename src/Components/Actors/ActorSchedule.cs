namespace ActorRuntime.Components.Actors;

/// <summary>
/// When a reminder or timer fires, parsed from Dapr's <c>dueTime</c>/<c>period</c>/<c>ttl</c> strings.
/// </summary>
/// <param name="DueTime">Delay from registration to the first fire; never negative (a time in the past fires at once).</param>
/// <param name="Period">Interval between fires, or null for a single fire.</param>
/// <param name="Repetitions">Total number of fires from <c>R&lt;n&gt;/</c>, or null for unlimited (also for Go-duration periods).</param>
/// <param name="ExpiresAt">Absolute time after which it no longer fires, or null. With repetitions, whichever comes first stops it.</param>
public sealed record ActorSchedule(TimeSpan DueTime, TimeSpan? Period, int? Repetitions, DateTimeOffset? ExpiresAt);
