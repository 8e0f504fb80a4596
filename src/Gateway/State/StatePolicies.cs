using ActorRuntime.Components.Resiliency;
using ActorRuntime.Grains.State;

namespace ActorRuntime.Gateway.State;

/// <summary>
/// Resiliency of state operations: the outbound policy of the store (<c>targets.components.&lt;store&gt;.outbound</c>,
/// else the reserved defaults such as <c>DefaultStatestoreComponentOutboundRetryPolicy</c>) around each call to the
/// store's grains. A timeout or open breaker comes out as an exception whose message says so, which the caller turns
/// into the operation's own Dapr error (<c>ERR_STATE_GET</c>, <c>ERR_STATE_SAVE</c>, ...; 500).
/// </summary>
/// <remarks>
/// <para>What is retried. daprd retries every state operation. Here reads (get, bulk get, query) and unconditional
/// writes (no ETag, last-write-wins: sending the same value again changes nothing) are retried, but a write that
/// carries an ETag or first-write concurrency is attempted once: if an attempt timed out after the store applied it,
/// a retry would meet the store's new ETag and turn the caller's success into a 409. The same holds for a transaction
/// with any such operation. Timeout and breaker apply to every operation.</para>
/// <para>An ETag mismatch or invalid ETag is the store working as asked: it is returned at once and counts as a
/// success for the breaker.</para>
/// </remarks>
public sealed class StatePolicies(ResiliencyRegistry registry)
{
    /// <summary>The component category that selects the <c>Statestore</c> reserved default names.</summary>
    public const string ComponentKind = "state";

    /// <summary>A read: retried on any failure.</summary>
    public ValueTask<T> ReadAsync<T>(string store, Func<CancellationToken, ValueTask<T>> read, CancellationToken ct)
    {
        var policy = Policy(store);
        // The common case stays as it was: the grain call itself, no wrapper.
        return policy.IsNoOp
            ? read(ct)
            : new(policy.ExecuteAsync(c => read(c).AsTask(), null, static e => e is not OperationCanceledException, PolicyParts.All, ct));
    }

    /// <summary>A write or transaction: a store error is a failure, retried only when <paramref name="conditional"/> is false.</summary>
    public ValueTask<StateOutcome> WriteAsync(string store, bool conditional, Func<CancellationToken, ValueTask<StateOutcome>> write, CancellationToken ct)
    {
        var policy = Policy(store);
        if (policy.IsNoOp) return write(ct);
        return new(policy.ExecuteAsync(c => write(c).AsTask(),
            o => o.Status switch
            {
                StateOutcomeStatus.Ok or StateOutcomeStatus.ETagMismatch or StateOutcomeStatus.ETagInvalid or StateOutcomeStatus.TooManyOperations => AttemptOutcome.Success,
                _ => conditional ? AttemptOutcome.PermanentFailure : AttemptOutcome.Failure,
            },
            e => !conditional && e is not OperationCanceledException, PolicyParts.All, ct));
    }

    /// <summary>True when sending the write again could report a conflict for a write that had in fact succeeded.</summary>
    public static bool IsConditional(string? etag, bool firstWrite) => firstWrite || !string.IsNullOrEmpty(etag);

    private ResiliencyPolicy Policy(string store) => registry.ForComponent(store, ComponentKind, ResiliencyDirection.Outbound);
}
