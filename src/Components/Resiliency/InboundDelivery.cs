namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The inbound direction of a component (<c>targets.components.&lt;name&gt;.inbound</c>): deliveries from a component to
/// the app, i.e. pub/sub messages to a subscription and input binding events. Every such delivery is meant to go
/// through <see cref="DeliverAsync{T}"/>, which applies the component's inbound timeout, retry and breaker (else the
/// reserved defaults, e.g. <c>DefaultPubsubComponentInboundRetryPolicy</c>, <c>DefaultComponentInboundRetryPolicy</c>).
/// Its breaker is separate from the outbound one: a broker that cannot take publishes says nothing about the app.
/// </summary>
/// <remarks>
/// The caller says how the app answered: for pub/sub, Dapr's <c>SUCCESS</c> and <c>DROP</c> end the delivery
/// (<see cref="AttemptOutcome.Success"/>, so they are not retried), <c>RETRY</c> or an error status is a
/// <see cref="AttemptOutcome.Failure"/>. <see cref="FromHttpStatus"/> is the plain HTTP reading. A timeout or open
/// breaker throws (<see cref="ResiliencyTimeoutException"/>, <see cref="CircuitBreakerOpenException"/>): the
/// delivery did not succeed, and the component's own redelivery takes over.
/// </remarks>
public sealed class InboundDelivery(ResiliencyRegistry registry)
{
    /// <summary>Delivers one message or event to the app under the component's inbound policy.</summary>
    /// <param name="componentName">The component's <c>metadata.name</c>.</param>
    /// <param name="componentKind">Its category (<c>pubsub</c>, <c>bindings</c>) or full type; selects the type's reserved defaults.</param>
    /// <param name="deliver">One attempt; its token ends when the attempt times out or the caller gives up.</param>
    /// <param name="classify">How the app's answer counts.</param>
    public Task<T> DeliverAsync<T>(string componentName, string componentKind, Func<CancellationToken, Task<T>> deliver,
        Func<T, AttemptOutcome> classify, CancellationToken ct) =>
        registry.ForComponent(componentName, componentKind, ResiliencyDirection.Inbound)
            .ExecuteAsync(deliver, classify, static e => e is not OperationCanceledException, PolicyParts.All, ct);

    /// <summary>A 2xx answer delivered the message; any other status is a failure worth another attempt.</summary>
    public static AttemptOutcome FromHttpStatus(int status) => status is >= 200 and < 300 ? AttemptOutcome.Success : AttemptOutcome.Failure;
}
