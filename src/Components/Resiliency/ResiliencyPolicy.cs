using System.Runtime.ExceptionServices;
using ActorRuntime.Components.Observability;

namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The policies that protect calls to one target (an app, an actor type or id, a component direction), bound to that
/// target's circuit breaker state. Obtained from <see cref="ResiliencyRegistry"/>, which caches it, so the breaker
/// state is shared by every call to the same target.
/// </summary>
/// <remarks>
/// Order per attempt, as in Dapr: the circuit breaker admits the attempt, the timeout bounds it, the retry policy
/// decides whether another attempt follows. An open breaker ends the retries at once (retrying cannot get past it).
/// </remarks>
public sealed class ResiliencyPolicy
{
    private readonly CircuitBreaker? _breaker;
    private readonly CircuitBreaker? _typeBreaker;
    private readonly TimeProvider _time;

    /// <summary>The policy for a target nothing applies to: runs the operation once, as is.</summary>
    public static ResiliencyPolicy NoOp { get; } = new(new ResolvedPolicies("(none)", null, null, null), null, null, TimeProvider.System);

    internal ResiliencyPolicy(ResolvedPolicies policies, CircuitBreaker? breaker, CircuitBreaker? typeBreaker, TimeProvider time)
    {
        Policies = policies;
        _breaker = breaker;
        _typeBreaker = typeBreaker;
        _time = time;
        IsNoOp = policies.Timeout is null && policies.Retry is null && breaker is null && typeBreaker is null;
    }

    /// <summary>True when no timeout, retry or breaker applies: callers may skip <see cref="ExecuteAsync{T}(Func{CancellationToken, Task{T}}, Func{T, bool}?, Func{Exception, bool}?, CancellationToken)"/> entirely.</summary>
    public bool IsNoOp { get; }

    /// <summary>True when none of <paramref name="parts"/> is configured for this target.</summary>
    public bool IsNoOpFor(PolicyParts parts) =>
        IsNoOp
        || ((parts & PolicyParts.Timeout) == 0 || Policies.Timeout is null)
        && ((parts & PolicyParts.Retry) == 0 || Policies.Retry is null)
        && ((parts & PolicyParts.CircuitBreaker) == 0 || (_breaker is null && _typeBreaker is null));

    /// <summary>What Dapr's resiliency metrics label this policy's runs with; null records none (the no-op policy).</summary>
    internal ResiliencyMetricLabels? Labels { get; init; }

    /// <summary>The resolved settings (for logs and diagnostics).</summary>
    public ResolvedPolicies Policies { get; }

    /// <summary>The target's breaker (the id's breaker for an actor with scope both), or null.</summary>
    public CircuitBreaker? CircuitBreaker => _breaker ?? _typeBreaker;

    /// <summary>
    /// Runs <paramref name="op"/> under the timeout (per attempt), retry and circuit breaker policies.
    /// </summary>
    /// <param name="op">The call; receives a token that is cancelled by the caller's token or the attempt's timeout.</param>
    /// <param name="isFailure">Marks a returned result as failed (e.g. HTTP status &gt;= 400). A failed result is retried
    /// and counts against the breaker, but when no retry is left it is returned, so the caller still sees the target's answer.</param>
    /// <param name="retryable">Whether an exception may be retried (default: all). Cancellation by <paramref name="ct"/>
    /// is never retried and never counted against the breaker.</param>
    /// <param name="ct">The caller's token; it also cancels the waits between retries.</param>
    /// <exception cref="CircuitBreakerOpenException">The breaker rejected an attempt and no earlier attempt returned a result.</exception>
    /// <exception cref="ResiliencyTimeoutException">The last attempt timed out.</exception>
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> op, Func<T, bool>? isFailure, Func<Exception, bool>? retryable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        return IsNoOp ? op(ct) : ExecuteCoreAsync(op, Classify(isFailure), retryable, PolicyParts.All, ct);
    }

    /// <summary>Like <see cref="ExecuteAsync{T}(Func{CancellationToken, Task{T}}, Func{T, bool}?, Func{Exception, bool}?, CancellationToken)"/>
    /// for an operation without a result.</summary>
    public Task ExecuteAsync(Func<CancellationToken, Task> op, Func<Exception, bool>? retryable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        return IsNoOp ? op(ct) : ExecuteCoreAsync(async t => { await op(t).ConfigureAwait(false); return true; }, null, retryable, PolicyParts.All, ct);
    }

    /// <summary>
    /// The general form: only <paramref name="parts"/> of the policy apply, and <paramref name="classify"/> tells a
    /// success from a retryable failure and from a permanent one (counted, but returned without a retry).
    /// </summary>
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> op, Func<T, AttemptOutcome>? classify, Func<Exception, bool>? retryable,
        PolicyParts parts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        return IsNoOpFor(parts) ? op(ct) : ExecuteCoreAsync(op, classify, retryable, parts, ct);
    }

    private static Func<T, AttemptOutcome>? Classify<T>(Func<T, bool>? isFailure) =>
        isFailure is null ? null : r => isFailure(r) ? AttemptOutcome.Failure : AttemptOutcome.Success;

    private async Task<T> ExecuteCoreAsync<T>(Func<CancellationToken, Task<T>> op, Func<T, AttemptOutcome>? classify, Func<Exception, bool>? retryable,
        PolicyParts parts, CancellationToken ct)
    {
        var retry = (parts & PolicyParts.Retry) != 0 ? Policies.Retry : null;
        var timeout = (parts & PolicyParts.Timeout) != 0 ? Policies.Timeout : null;
        var breaker = (parts & PolicyParts.CircuitBreaker) != 0 ? _breaker : null;
        var typeBreaker = (parts & PolicyParts.CircuitBreaker) != 0 ? _typeBreaker : null;
        var backoff = retry is null ? default : new RetryBackoff(retry);
        var retries = 0;
        var hasFailedResult = false;
        var labels = Labels;
        if (labels is not null) RecordExecuted(labels, retry is not null, timeout is not null, breaker ?? typeBreaker);
        T lastResult = default!;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!TryEnter(breaker, typeBreaker, out var generation, out var typeGeneration, out var rejectedBy))
            {
                if (labels is not null) ResiliencyMetrics.PolicyActivated(labels, ResiliencyMetrics.CircuitBreaker, "open");
                if (hasFailedResult) return lastResult;
                throw new CircuitBreakerOpenException(rejectedBy!.Definition.Name, Policies.Target);
            }

            ExceptionDispatchInfo? error = null;
            try
            {
                var result = await RunAttemptAsync(op, timeout, ct).ConfigureAwait(false);
                var outcome = classify?.Invoke(result) ?? AttemptOutcome.Success;
                Report(breaker, typeBreaker, generation, typeGeneration, success: outcome == AttemptOutcome.Success);
                if (outcome != AttemptOutcome.Failure) return result;
                lastResult = result;
                hasFailedResult = true;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                breaker?.OnIgnored(generation);
                typeBreaker?.OnIgnored(typeGeneration);
                throw;
            }
            catch (Exception e)
            {
                Report(breaker, typeBreaker, generation, typeGeneration, success: false);
                if (retryable is not null && !retryable(e)) throw;
                error = ExceptionDispatchInfo.Capture(e);
                hasFailedResult = false;
                lastResult = default!;
            }

            if (retry is null || !retry.AllowsRetry(retries))
            {
                error?.Throw();
                return lastResult;
            }
            retries++;
            if (labels is not null) ResiliencyMetrics.PolicyActivated(labels, ResiliencyMetrics.Retry);
            await Task.Delay(backoff.Next(Random.Shared.NextDouble()), _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<T> RunAttemptAsync<T>(Func<CancellationToken, Task<T>> op, TimeSpan? limit, CancellationToken ct)
    {
        if (limit is not { } timeout) return await op(ct).ConfigureAwait(false);

        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        Task<T>? task = null;
        try
        {
            task = op(linked.Token);
            // WaitAsync: an operation that ignores its token still cannot hold the caller past the timeout.
            return await task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Observe a late fault of the abandoned attempt so it does not surface as an unobserved task exception.
            task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (Labels is { } labels) ResiliencyMetrics.PolicyActivated(labels, ResiliencyMetrics.Timeout);
            throw new ResiliencyTimeoutException(Policies.Target, timeout);
        }
    }

    /// <summary>One count per policy kind that guards this run, as daprd counts them; a breaker's with its state.</summary>
    private static void RecordExecuted(ResiliencyMetricLabels labels, bool retry, bool timeout, CircuitBreaker? breaker)
    {
        if (timeout) ResiliencyMetrics.PolicyExecuted(labels, ResiliencyMetrics.Timeout);
        if (retry) ResiliencyMetrics.PolicyExecuted(labels, ResiliencyMetrics.Retry);
        if (breaker is not null) ResiliencyMetrics.PolicyExecuted(labels, ResiliencyMetrics.CircuitBreaker, breaker.State switch { CircuitState.Open => "open", CircuitState.HalfOpen => "half-open", _ => "closed" });
    }

    private static bool TryEnter(CircuitBreaker? breaker, CircuitBreaker? typeBreaker, out long generation, out long typeGeneration, out CircuitBreaker? rejectedBy)
    {
        generation = typeGeneration = 0;
        rejectedBy = null;
        if (typeBreaker is not null && !typeBreaker.TryEnter(out typeGeneration))
        {
            rejectedBy = typeBreaker;
            return false;
        }
        if (breaker is not null && !breaker.TryEnter(out generation))
        {
            typeBreaker?.OnIgnored(typeGeneration);
            rejectedBy = breaker;
            return false;
        }
        return true;
    }

    private static void Report(CircuitBreaker? breaker, CircuitBreaker? typeBreaker, long generation, long typeGeneration, bool success)
    {
        if (success)
        {
            breaker?.OnSuccess(generation);
            typeBreaker?.OnSuccess(typeGeneration);
        }
        else
        {
            breaker?.OnFailure(generation);
            typeBreaker?.OnFailure(typeGeneration);
        }
    }
}
