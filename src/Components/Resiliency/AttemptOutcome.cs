namespace ActorRuntime.Components.Resiliency;

/// <summary>How one attempt that returned a result (rather than throwing) ended, as the caller classifies it.</summary>
public enum AttemptOutcome
{
    /// <summary>The target did its job: counts as a success for the breaker, returned at once.</summary>
    Success,

    /// <summary>The target failed: counts against the breaker and is retried while the retry policy allows.</summary>
    Failure,

    /// <summary>
    /// The target failed in a way another attempt cannot fix, or sending it again is not safe (Dapr's
    /// <c>backoff.Permanent</c>): counts against the breaker, returned without a retry.
    /// </summary>
    PermanentFailure,
}
