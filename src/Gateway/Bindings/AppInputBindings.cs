namespace ActorRuntime.Gateway.Bindings;

/// <summary>The input bindings this app instance takes (it answered the <c>OPTIONS</c> probe, or listed them over gRPC), by name, with their routes.</summary>
public sealed class AppInputBindings
{
    private volatile IReadOnlyDictionary<string, string> _routes = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Routes => _routes;

    public bool TryGetRoute(string bindingName, out string route) => _routes.TryGetValue(bindingName, out route!);

    internal void Set(IReadOnlyDictionary<string, string> routes) => _routes = routes;
}
