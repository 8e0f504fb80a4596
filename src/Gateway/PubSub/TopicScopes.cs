using ActorRuntime.Components.Model;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Dapr's topic scoping metadata on a pub/sub component: <c>publishingScopes</c> and <c>subscriptionScopes</c>
/// (<c>app1=t1,t2;app2=t3</c>: an app listed may use only its topics; an app listed with nothing may use none),
/// <c>allowedTopics</c> (only these, for every app) and <c>protectedTopics</c> (only apps that list them in a scope).
/// </summary>
internal sealed class TopicScopes
{
    private readonly Dictionary<string, HashSet<string>> _publishing;
    private readonly Dictionary<string, HashSet<string>> _subscribing;
    private readonly HashSet<string>? _allowed;
    private readonly HashSet<string> _protected;

    private TopicScopes(ComponentMetadata m)
    {
        _publishing = ParseScopes(m.GetString("publishingScopes"));
        _subscribing = ParseScopes(m.GetString("subscriptionScopes"));
        var allowed = Split(m.GetString("allowedTopics"), ',');
        _allowed = allowed.Count > 0 ? [.. allowed] : null;
        _protected = [.. Split(m.GetString("protectedTopics"), ',')];
    }

    public static TopicScopes For(ComponentDefinition definition) => new(definition.GetMetadata());

    public bool MayPublish(string appId, string topic) => Allowed(_publishing, appId, topic);

    public bool MaySubscribe(string appId, string topic) => Allowed(_subscribing, appId, topic);

    private bool Allowed(Dictionary<string, HashSet<string>> scopes, string appId, string topic)
    {
        if (_allowed is not null && !_allowed.Contains(topic)) return false;
        if (scopes.TryGetValue(appId, out var topics)) return topics.Contains(topic);
        return !_protected.Contains(topic);
    }

    private static Dictionary<string, HashSet<string>> ParseScopes(string? text)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in Split(text, ';'))
        {
            var parts = entry.Split('=', 2);
            var topics = parts.Length == 2 ? Split(parts[1], ',') : [];
            result[parts[0].Trim()] = [.. topics];
        }
        return result;
    }

    private static List<string> Split(string? text, char separator) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(separator).Select(s => s.Trim()).Where(s => s.Length > 0)];
}
