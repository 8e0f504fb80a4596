namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// Which way a component call goes. Dapr keeps separate policies (and separate circuit breakers) for the two,
/// because a broker that cannot take publishes says nothing about whether the app can take deliveries.
/// </summary>
public enum ResiliencyDirection
{
    /// <summary>The runtime calls the component: state operations, publish, output bindings, secrets.</summary>
    Outbound,

    /// <summary>The component's data goes to the app: subscription deliveries, input bindings.</summary>
    Inbound,
}
