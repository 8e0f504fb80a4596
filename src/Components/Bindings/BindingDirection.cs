using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings;

/// <summary>
/// Dapr's <c>direction</c> metadata (<c>input</c>, <c>output</c>, <c>input, output</c>): without it a binding is used
/// in every direction its type supports; with it only in the directions listed, so an <c>output</c>-only component
/// is never read. And the <c>route</c> metadata: where the app gets input events, <c>/{name}</c> by default.
/// </summary>
public static class BindingDirection
{
    public const string Field = "direction";
    public const string RouteField = "route";

    public static bool IsInput(ComponentDefinition definition) => Allows(definition, "input");

    public static bool IsOutput(ComponentDefinition definition) => Allows(definition, "output");

    /// <summary>The app path input events are posted to: the <c>route</c> metadata, else <c>/{name}</c>.</summary>
    public static string Route(ComponentDefinition definition)
    {
        var route = definition.GetMetadata().GetString(RouteField)?.Trim();
        if (string.IsNullOrEmpty(route)) return "/" + definition.Name;
        return route.StartsWith('/') ? route : "/" + route;
    }

    private static bool Allows(ComponentDefinition definition, string direction)
    {
        var entry = definition.Metadata.FirstOrDefault(m => string.Equals(m.Key, Field, StringComparison.OrdinalIgnoreCase));
        if (entry.Key is null) return true;
        return (entry.Value.Value ?? "").Split(',').Any(d => string.Equals(d.Trim(), direction, StringComparison.OrdinalIgnoreCase));
    }
}
