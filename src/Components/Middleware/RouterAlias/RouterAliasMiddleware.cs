using ActorRuntime.Components.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Middleware.RouterAlias;

/// <summary>
/// <c>middleware.http.routeralias</c>: <c>routes</c> is a JSON or YAML map from an incoming path (a template, e.g.
/// <c>/hello/activity/{id}/info</c>) to the path it becomes (e.g. <c>/v1.0/invoke/srv.default/method/hello</c>). A
/// matching request is rewritten; its query is kept and the template's variables are added to it (<c>?id=42</c>), as
/// Dapr does. Other requests pass unchanged. Literal aliases are tried before templates, templates in file order.
/// </summary>
public sealed class RouterAliasMiddleware : IHttpMiddleware
{
    private readonly List<(RouteTemplate From, string To)> _routes = [];

    public RouterAliasMiddleware(ComponentDefinition definition)
    {
        var metadata = definition.GetMetadata();
        var text = metadata.GetRequiredString("routes");
        foreach (var (from, to) in ParseMap(text, metadata))
        {
            if (!to.StartsWith('/')) throw metadata.Error("routes", $"the target of '{from}' must be a path starting with '/', not '{to}'");
            try
            {
                _routes.Add((RouteTemplate.Parse(from), to));
            }
            catch (FormatException e)
            {
                throw metadata.Error("routes", $"alias '{from}' {e.Message}");
            }
        }
        // Stable: literals first, each group in file order.
        var ordered = _routes.OrderBy(r => r.From.Variables.Count == 0 ? 0 : 1).ToList();
        _routes.Clear();
        _routes.AddRange(ordered);
    }

    /// <summary>The aliases in the order they are tried.</summary>
    public IReadOnlyList<string> Aliases => [.. _routes.Select(r => r.From.Template)];

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken)
    {
        var path = request.Path;
        foreach (var (from, to) in _routes)
        {
            if (from.Match(path) is not { } values) continue;
            var query = request.Query;
            foreach (var (name, value) in values)
                query += (query.Length == 0 ? "" : "&") + Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
            request.Path = to;
            request.Query = query;
            break;
        }
        return ValueTask.FromResult<MiddlewareRejection?>(null);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // JSON is YAML's flow style, so one parser reads both forms Dapr accepts.
    private static List<(string, string)> ParseMap(string text, ComponentMetadata metadata)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw metadata.Error("routes", $"is not a JSON or YAML map: {e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw metadata.Error("routes", "must be a JSON or YAML map of alias path to target path");
        var result = new List<(string, string)>();
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: { Length: > 0 } from } || v is not YamlScalarNode { Value: { Length: > 0 } to })
                throw metadata.Error("routes", $"entry at line {k.Start.Line} must map a path to a path");
            result.Add((from, to));
        }
        if (result.Count == 0) throw metadata.Error("routes", "has no routes");
        return result;
    }
}
