namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// Dapr's reserved policy names. A policy defined under one of these names applies to every target of its reach
/// that does not name a policy of that kind itself; the most specific one defined wins:
/// named on the target, then component type + direction (<c>DefaultStatestoreComponentOutboundRetryPolicy</c>),
/// then direction (<c>DefaultComponentOutboundRetryPolicy</c>), then target kind (<c>DefaultComponentRetryPolicy</c>,
/// <c>DefaultAppRetryPolicy</c>, <c>DefaultActorRetryPolicy</c>), then global (<c>DefaultRetryPolicy</c>).
/// </summary>
public static class DefaultPolicyNames
{
    public const string Retry = "Retry";
    public const string Timeout = "Timeout";
    public const string CircuitBreaker = "CircuitBreaker";

    /// <summary>Reserved names for an app target, most specific first, e.g. DefaultAppRetryPolicy, DefaultRetryPolicy.</summary>
    public static string[] ForApp(string policyKind) => [$"DefaultApp{policyKind}Policy", $"Default{policyKind}Policy"];

    /// <summary>Reserved names for an actor target, most specific first.</summary>
    public static string[] ForActor(string policyKind) => [$"DefaultActor{policyKind}Policy", $"Default{policyKind}Policy"];

    /// <summary>Reserved names for a component, most specific first.</summary>
    /// <param name="componentKind">A category such as <c>state</c>, <c>pubsub</c>, <c>bindings</c> (or a full type, <c>state.redis</c>).</param>
    public static string[] ForComponent(string policyKind, string componentKind, ResiliencyDirection direction)
    {
        var dir = direction == ResiliencyDirection.Outbound ? "Outbound" : "Inbound";
        var type = ComponentTypeKeyword(componentKind);
        string[] general = [$"DefaultComponent{dir}{policyKind}Policy", $"DefaultComponent{policyKind}Policy", $"Default{policyKind}Policy"];
        return type is null ? general : [$"Default{type}Component{dir}{policyKind}Policy", .. general];
    }

    /// <summary>The keyword Dapr uses in reserved names for a component category, or null for categories it has none for.</summary>
    public static string? ComponentTypeKeyword(string componentKind)
    {
        var dot = componentKind.IndexOf('.');
        var category = (dot >= 0 ? componentKind[..dot] : componentKind).ToLowerInvariant();
        return category switch
        {
            "state" or "statestore" => "Statestore",
            "pubsub" => "Pubsub",
            "bindings" or "binding" => "Binding",
            "secretstores" or "secretstore" => "Secretstore",
            "configuration" => "Configuration",
            "lock" => "Lock",
            "crypto" => "Crypto",
            _ => null,
        };
    }
}
