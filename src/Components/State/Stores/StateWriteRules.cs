namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// The concurrency and TTL rules every store applies the same way, so the stores only differ in how they
/// express them against their backend.
/// </summary>
internal static class StateWriteRules
{
    /// <summary>What a write requires of the entry already stored under its key.</summary>
    public enum Precondition
    {
        /// <summary>Last-write without an ETag: overwrite whatever is there.</summary>
        None,
        /// <summary>An ETag was given: a live entry with exactly that ETag must exist.</summary>
        ETagMatches,
        /// <summary>First-write without an ETag: no live entry may exist.</summary>
        Absent,
    }

    public static bool HasETag(string? etag) => !string.IsNullOrEmpty(etag);

    public static Precondition For(StateWrite write) =>
        HasETag(write.ETag) ? Precondition.ETagMatches
        : write.Concurrency == StateConcurrency.FirstWrite ? Precondition.Absent
        : Precondition.None;

    /// <summary>A delete is conditional only when it carries an ETag; deleting nothing otherwise succeeds.</summary>
    public static Precondition For(StateDelete delete) =>
        HasETag(delete.ETag) ? Precondition.ETagMatches : Precondition.None;

    /// <summary>True when an entry (null when absent or expired) satisfies the precondition.</summary>
    public static bool IsSatisfied(Precondition precondition, string? givenETag, string? storedETag) => precondition switch
    {
        Precondition.ETagMatches => storedETag is not null && string.Equals(storedETag, givenETag, StringComparison.Ordinal),
        Precondition.Absent => storedETag is null,
        _ => true,
    };

    /// <summary>
    /// The TTL a write really gets. Null falls back to the store default; zero or negative (Dapr's <c>ttlInSeconds: -1</c>)
    /// means "never expire", even over a store default. The result is null or strictly positive.
    /// </summary>
    public static TimeSpan? EffectiveTtl(TimeSpan? requested, TimeSpan? storeDefault = null)
    {
        var ttl = requested ?? storeDefault;
        return ttl is { } t && t > TimeSpan.Zero ? t : null;
    }

    public static DateTimeOffset? ExpiryFrom(DateTimeOffset now, TimeSpan? effectiveTtl) =>
        effectiveTtl is { } ttl ? now + ttl : null;

    public static void ThrowIfTooMany(IReadOnlyList<StateOperation> operations, int max)
    {
        if (operations.Count > max) throw new TooManyOperationsException(operations.Count, max);
    }
}
