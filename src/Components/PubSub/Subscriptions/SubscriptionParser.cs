using System.Text.Json;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.PubSub.Subscriptions;

/// <summary>
/// Reads subscriptions as Dapr accepts them: the JSON array an app returns from <c>GET /dapr/subscribe</c> (v1
/// <c>route</c>, v2 <c>routes: {rules, default}</c>), and <c>kind: Subscription</c> resources (<c>dapr.io/v1alpha1</c>
/// with <c>spec.route</c>, <c>dapr.io/v2alpha1</c> with <c>spec.routes</c>, <c>scopes</c>), each with its optional <c>bulkSubscribe</c>.
/// </summary>
public static class SubscriptionParser
{
    public const string SubscriptionKindName = "Subscription";

    /// <exception cref="FormatException">The app's answer is not a list of subscriptions; the message says what is wrong.</exception>
    public static IReadOnlyList<Subscription> ParseProgrammatic(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array) throw new FormatException("GET /dapr/subscribe must return a JSON array");
        var result = new List<Subscription>();
        var i = 0;
        foreach (var item in root.EnumerateArray())
        {
            result.Add(Parse(item, $"subscription {i}", SubscriptionKind.Programmatic, []));
            i++;
        }
        return result;
    }

    /// <summary>The <c>kind: Subscription</c> documents among <paramref name="documents"/> that apply to <paramref name="appId"/>.</summary>
    /// <exception cref="ComponentConfigurationException">A Subscription resource has a mistake; names its file and field.</exception>
    public static IReadOnlyList<Subscription> ParseDeclarative(IEnumerable<ResourceDocument> documents, string appId)
    {
        var result = new List<Subscription>();
        foreach (var doc in documents.Where(d => string.Equals(d.Kind, SubscriptionKindName, StringComparison.Ordinal)))
        {
            using var json = JsonDocument.Parse(YamlNodes.ToJson(doc.Root));
            var root = json.RootElement;
            var scopes = root.TryGetProperty("scopes", out var s) && s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().Select(x => x.ToString()).ToList()
                : [];
            if (scopes.Count > 0 && !scopes.Contains(appId, StringComparer.Ordinal)) continue;
            if (!root.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object)
                throw new ComponentConfigurationException(doc.File, doc.Name ?? "(unnamed)", "spec", "a Subscription needs a spec");
            try
            {
                result.Add(Parse(spec, "spec", SubscriptionKind.Declarative, scopes));
            }
            catch (FormatException e)
            {
                throw new ComponentConfigurationException(doc.File, doc.Name ?? "(unnamed)", null, e.Message);
            }
        }
        return result;
    }

    private static Subscription Parse(JsonElement item, string where, SubscriptionKind kind, IReadOnlyList<string> scopes)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object");
        var pubsub = String(item, "pubsubname") ?? String(item, "pubsubName")
            ?? throw new FormatException($"{where}: pubsubname is required");
        var topic = String(item, "topic") ?? throw new FormatException($"{where}: topic is required");
        var rules = new List<RouteRule>();
        var defaultRoute = String(item, "route");
        if (item.TryGetProperty("routes", out var routes) && routes.ValueKind == JsonValueKind.Object)
        {
            if (routes.TryGetProperty("rules", out var rs) && rs.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in rs.EnumerateArray())
                {
                    var match = String(r, "match") ?? "";
                    var path = String(r, "path") ?? throw new FormatException($"{where}: every routes.rules entry needs a path");
                    // An empty match is Dapr's way of writing "always".
                    rules.Add(new RouteRule(match, CelExpression.Parse(match.Length == 0 ? "true" : match), Normalize(path)!));
                }
            }
            defaultRoute = String(routes, "default") ?? defaultRoute;
        }
        if (rules.Count == 0 && defaultRoute is null) throw new FormatException($"{where} (topic {topic}): route or routes is required");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
            foreach (var p in md.EnumerateObject()) metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        var deadLetter = String(item, "deadLetterTopic");
        return new Subscription(pubsub, topic, rules, Normalize(defaultRoute), string.IsNullOrEmpty(deadLetter) ? null : deadLetter, metadata, kind, scopes)
        {
            Bulk = BulkSubscribeOptions.Parse(item, $"{where} (topic {topic})"),
        };
    }

    private static string? Normalize(string? route) => route is null or "" ? null : route.StartsWith('/') ? route : "/" + route;

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
