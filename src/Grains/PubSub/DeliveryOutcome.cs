namespace ActorRuntime.Grains.PubSub;

/// <summary>What an app instance's gateway reports for one event, after its inbound resiliency policy (Dapr's reply contract).</summary>
public enum DeliveryOutcome
{
    /// <summary>2xx with SUCCESS or an empty body, or an expired event: acknowledged.</summary>
    Success,
    /// <summary>RETRY, 5xx, a timeout or no connection, still failing after the policy's retries.</summary>
    Retry,
    /// <summary>DROP or 404: not retried (dead-lettered when the subscription has a dead-letter topic).</summary>
    Drop,
}
