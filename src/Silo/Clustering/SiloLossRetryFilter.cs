using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Messaging;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Resends a grain call that failed because the silo it went to is gone, within the caller's deadline, so a process
/// killed on the machine breaks no call of the others. A call that was never delivered (the connection was refused,
/// the message rejected) is resent whatever it is; a call that was in flight when the silo died may have run, so it
/// is resent only when running it twice is harmless (<see cref="IdempotentCalls"/>). Otherwise, or when the time is
/// up, the caller gets a plain message, without silo addresses or stack frames, saying what is known.
/// Once <see cref="LocalSiloWatcher"/> has declared the silo dead (a fraction of a second), the resent call is
/// placed on a live silo.
/// </summary>
internal sealed partial class SiloLossRetryFilter(ILogger<SiloLossRetryFilter> logger) : IOutgoingGrainCallFilter
{
    /// <summary>How long a call keeps being resent; beyond the caller's own deadline it is never resent.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private enum Loss { None, NotDelivered, MaybeDelivered }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Orleans' own calls (directory, membership, placement) have their own retries; resending them here would
        // hide failures those rely on.
        if (context.Request.GetInterfaceType()?.Namespace?.StartsWith("Orleans", StringComparison.Ordinal) != false)
        {
            await context.Invoke();
            return;
        }
        long started = 0;
        for (var attempt = 1; ; attempt++)
        {
            Loss loss;
            try
            {
                await context.Invoke();
                if (attempt > 1) LogRecovered(logger, context.InterfaceName, context.MethodName, attempt);
                return;
            }
            catch (Exception ex) when ((loss = Classify(ex)) != Loss.None)
            {
                if (started == 0) started = Stopwatch.GetTimestamp();
                var idempotent = IdempotentCalls.IsIdempotent(context.Request);
                var token = context.Request.GetCancellationToken();
                if (loss == Loss.MaybeDelivered && !idempotent)
                    throw new OrleansException(
                        "the runtime process that was handling this call stopped before answering; whether the call took effect is unknown (read the data again to find out)");
                if (Stopwatch.GetElapsedTime(started) >= Budget || token.IsCancellationRequested)
                    throw new OrleansException(
                        $"the runtime process that was handling this call stopped, and no other took the call over within {Budget.TotalSeconds:0} s");
                LogRetrying(logger, context.InterfaceName, context.MethodName, attempt, loss.ToString());
                await Task.Delay(Backoff(attempt), token);
            }
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(400, 25 << Math.Min(attempt, 5)));

    private static Loss Classify(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SiloUnavailableException: return Loss.MaybeDelivered;
                case OrleansMessageRejectionException or ConnectionFailedException: return Loss.NotDelivered;
            }
        }
        return Loss.None;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Interface}.{Method}: the target silo is gone ({Loss}); resending (attempt {Attempt})")]
    private static partial void LogRetrying(ILogger logger, string @interface, string method, int attempt, string loss);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Interface}.{Method} succeeded on attempt {Attempt} after its silo was lost")]
    private static partial void LogRecovered(ILogger logger, string @interface, string method, int attempt);
}
