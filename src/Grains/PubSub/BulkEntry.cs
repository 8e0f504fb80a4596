namespace ActorRuntime.Grains.PubSub;

/// <summary>One event of a bulk delivery: <see cref="EntryId"/> (the broker's id) names it in the app's per-entry reply.</summary>
public sealed record BulkEntry(string EntryId, byte[] Data);
