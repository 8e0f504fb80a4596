namespace ActorRuntime.Components.State;

/// <summary>A value as a store holds it. <see cref="ETag"/> is opaque and store-specific.</summary>
public sealed record StoredState(byte[] Value, string ETag, DateTimeOffset? ExpiresAt = null, string? ContentType = null);

public enum StateConcurrency { LastWrite, FirstWrite }

/// <summary>
/// A write. With <see cref="StateConcurrency.FirstWrite"/> and no ETag the write is insert-only;
/// with an ETag (under either mode) the ETag must match the stored one.
/// </summary>
public sealed record StateWrite(
    string Key,
    byte[] Value,
    string? ETag = null,
    StateConcurrency Concurrency = StateConcurrency.LastWrite,
    TimeSpan? Ttl = null,
    string? ContentType = null);

/// <summary>A delete. With an ETag it must match; without one it is unconditional (deleting nothing succeeds).</summary>
public sealed record StateDelete(string Key, string? ETag = null, StateConcurrency Concurrency = StateConcurrency.LastWrite);

/// <summary>One operation of a transaction: exactly one of <see cref="Write"/> or <see cref="Delete"/>.</summary>
public sealed record StateOperation(StateWrite? Write, StateDelete? Delete)
{
    public static StateOperation Upsert(StateWrite w) => new(w, null);
    public static StateOperation Remove(StateDelete d) => new(null, d);
    public string Key => Write?.Key ?? Delete!.Key;
}

[Flags]
public enum StateStoreFeatures
{
    None = 0,
    ETag = 1,
    Transactional = 2,
    QueryApi = 4,
    Ttl = 8,
    Actor = 16,
}

public static class StateStoreFeatureNames
{
    /// <summary>Names as Dapr's metadata API reports them.</summary>
    public static IReadOnlyList<string> ToDaprNames(this StateStoreFeatures f)
    {
        var names = new List<string>();
        if (f.HasFlag(StateStoreFeatures.ETag)) names.Add("ETAG");
        if (f.HasFlag(StateStoreFeatures.Transactional)) names.Add("TRANSACTIONAL");
        if (f.HasFlag(StateStoreFeatures.QueryApi)) names.Add("QUERY_API");
        if (f.HasFlag(StateStoreFeatures.Ttl)) names.Add("TTL");
        if (f.HasFlag(StateStoreFeatures.Actor)) names.Add("ACTOR");
        return names;
    }
}
