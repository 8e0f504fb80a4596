using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace ActorRuntime.Gateway.Hosting;

/// <summary>How a gateway behaves as an Orleans client of a cluster it does not host.</summary>
public static partial class ClusterClientExtensions
{
    /// <summary>
    /// Keeps looking for a silo forever, fails calls stuck on a dead silo after <paramref name="responseTimeout"/>
    /// (Orleans never fails them otherwise), retries calls a silo rejected (never delivered, so safe to resend),
    /// and refreshes the silo list every 5 s so new silos get traffic soon after they join.
    /// </summary>
    public static IClientBuilder UseActorRuntimeGatewayClient(this IClientBuilder client, TimeSpan? responseTimeout = null)
    {
        client.UseConnectionRetryFilter<RetryForever>();
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(10));
        client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        client.AddOutgoingGrainCallFilter(RetryRejectedCalls);
        client.AddActivityPropagation(); // grain calls join the caller's trace (spans only when tracing is exported)
        return client;
    }

    private static async Task RetryRejectedCalls(IOutgoingGrainCallContext context)
    {
        const int attempts = 10;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (OrleansMessageRejectionException) when (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }

    /// <summary>No silo yet is not an error for a gateway: keep trying, a second apart.</summary>
    private sealed partial class RetryForever(ILogger<RetryForever> logger) : IClientConnectionRetryFilter
    {
        private int _attempt;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (++_attempt % 10 == 1) LogNoSilo(_attempt, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "No silo reachable yet (attempt {Attempt}): {Error}")]
        private partial void LogNoSilo(int attempt, string error);
    }
}
