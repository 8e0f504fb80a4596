using System.Globalization;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// Reads a <c>kind: Resiliency</c> document. Every mistake is a <see cref="ComponentConfigurationException"/> naming
/// the file, the resource and the full field path (<c>spec.policies.retries.myRetry.maxRetries</c>): a process with a
/// broken resiliency file refuses to start rather than run without the protection the user asked for.
/// Unknown keys are errors too, because a misspelt <c>maxRetries</c> would otherwise silently mean "retry forever".
/// </summary>
public static class ResiliencyDocumentParser
{
    public const string Kind = "Resiliency";
    public const string ApiVersion = "dapr.io/v1alpha1";

    /// <summary>True for <c>kind: Resiliency</c>.</summary>
    public static bool IsResiliency(ResourceDocument doc) => string.Equals(doc.Kind, Kind, StringComparison.Ordinal);

    public static ResiliencyDocument Parse(ResourceDocument doc)
    {
        var name = doc.Name;
        if (string.IsNullOrWhiteSpace(name))
            throw new ComponentConfigurationException(doc.File, null, "metadata.name", $"is required (Resiliency document at line {doc.Line})");
        var r = new Reader(doc.File, name);
        if (!string.Equals(doc.ApiVersion, ApiVersion, StringComparison.Ordinal))
            throw r.Error("apiVersion", $"must be '{ApiVersion}', not '{doc.ApiVersion}'");

        var scopes = ParseScopes(r, doc.Root.Child("scopes"));
        var spec = r.Mapping(doc.Root.Child("spec"), "spec") ?? throw r.Error("spec", "is required (with 'policies' and 'targets')");
        r.OnlyKeys(spec, "spec", "policies", "targets");

        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var retries = new Dictionary<string, RetryPolicyDefinition>(StringComparer.Ordinal);
        var breakers = new Dictionary<string, CircuitBreakerDefinition>(StringComparer.Ordinal);
        var policies = r.Mapping(spec.Child("policies"), "spec.policies");
        if (policies is not null)
        {
            r.OnlyKeys(policies, "spec.policies", "timeouts", "retries", "circuitBreakers");
            foreach (var (key, node, field) in r.Entries(policies.Child("timeouts"), "spec.policies.timeouts"))
                timeouts[key] = r.Duration(node, field, positive: true) ?? throw r.Error(field, "is required: a duration such as '5s'");
            foreach (var (key, node, field) in r.Entries(policies.Child("retries"), "spec.policies.retries"))
                retries[key] = ParseRetry(r, key, node, field);
            foreach (var (key, node, field) in r.Entries(policies.Child("circuitBreakers"), "spec.policies.circuitBreakers"))
                breakers[key] = ParseCircuitBreaker(r, key, node, field);
        }

        var apps = new Dictionary<string, PolicyReferences>(StringComparer.Ordinal);
        var actors = new Dictionary<string, ActorTarget>(StringComparer.Ordinal);
        var components = new Dictionary<string, ComponentTarget>(StringComparer.Ordinal);
        var targets = r.Mapping(spec.Child("targets"), "spec.targets");
        if (targets is not null)
        {
            r.OnlyKeys(targets, "spec.targets", "apps", "actors", "components");
            foreach (var (key, node, field) in r.Entries(targets.Child("apps"), "spec.targets.apps"))
                apps[key] = ParseReferences(r, node, field, []);
            foreach (var (key, node, field) in r.Entries(targets.Child("actors"), "spec.targets.actors"))
                actors[key] = ParseActor(r, node, field);
            foreach (var (key, node, field) in r.Entries(targets.Child("components"), "spec.targets.components"))
                components[key] = ParseComponent(r, node, field);
        }

        return new ResiliencyDocument(doc.File, name, scopes, timeouts, retries, breakers, apps, actors, components);
    }

    private static RetryPolicyDefinition ParseRetry(Reader r, string name, YamlNode node, string field)
    {
        var map = r.Mapping(node, field) ?? throw r.Error(field, "must be a mapping with 'policy', 'duration', 'maxInterval', 'maxRetries'");
        if (map.Child("matching") is not null)
            throw r.Error(field + ".matching", "status-code matching is not supported by this runtime yet; remove it (every failure is retried)");
        r.OnlyKeys(map, field, "policy", "duration", "maxInterval", "maxRetries");
        var kindText = r.Scalar(map.Child("policy"), field + ".policy");
        var kind = kindText?.ToLowerInvariant() switch
        {
            null or "" or "constant" => RetryBackoffKind.Constant,
            "exponential" => RetryBackoffKind.Exponential,
            _ => throw r.Error(field + ".policy", $"must be 'constant' or 'exponential', not '{kindText}'"),
        };
        var duration = r.Duration(map.Child("duration"), field + ".duration", positive: false) ?? RetryPolicyDefinition.DefaultDuration;
        var maxInterval = r.Duration(map.Child("maxInterval"), field + ".maxInterval", positive: true) ?? RetryPolicyDefinition.DefaultMaxInterval;
        var maxRetries = (int)Math.Min(r.Integer(map.Child("maxRetries"), field + ".maxRetries", min: -1) ?? -1, int.MaxValue);
        return new RetryPolicyDefinition(name, kind, duration, maxInterval, maxRetries);
    }

    private static CircuitBreakerDefinition ParseCircuitBreaker(Reader r, string name, YamlNode node, string field)
    {
        var map = r.Mapping(node, field) ?? throw r.Error(field, "must be a mapping with 'maxRequests', 'interval', 'timeout', 'trip'");
        r.OnlyKeys(map, field, "maxRequests", "interval", "timeout", "trip");
        var maxRequests = r.Integer(map.Child("maxRequests"), field + ".maxRequests", min: 0) ?? CircuitBreakerDefinition.DefaultMaxRequests;
        var interval = r.Duration(map.Child("interval"), field + ".interval", positive: false) ?? TimeSpan.Zero;
        // A zero timeout would never let the breaker probe; like Dapr's breaker library, zero means the default.
        var timeout = r.Duration(map.Child("timeout"), field + ".timeout", positive: false) ?? TimeSpan.Zero;
        if (timeout == TimeSpan.Zero) timeout = CircuitBreakerDefinition.DefaultTimeout;
        var tripText = r.Scalar(map.Child("trip"), field + ".trip");
        if (string.IsNullOrWhiteSpace(tripText)) tripText = CircuitBreakerDefinition.DefaultTrip;
        if (!TripExpression.TryParse(tripText, out var trip, out var error))
            throw r.Error(field + ".trip", error!);
        return new CircuitBreakerDefinition(name, (int)Math.Min(maxRequests, int.MaxValue), interval, timeout, trip!);
    }

    private static ActorTarget ParseActor(Reader r, YamlNode node, string field)
    {
        var policies = ParseReferences(r, node, field, ["circuitBreakerScope", "circuitBreakerCacheSize"]);
        var map = (YamlMappingNode)node;
        var scopeText = r.Scalar(map.Child("circuitBreakerScope"), field + ".circuitBreakerScope");
        var scope = scopeText?.ToLowerInvariant() switch
        {
            null or "" or "id" => ActorCircuitBreakerScope.Id,
            "type" => ActorCircuitBreakerScope.Type,
            "both" => ActorCircuitBreakerScope.Both,
            _ => throw r.Error(field + ".circuitBreakerScope", $"must be 'id', 'type' or 'both', not '{scopeText}'"),
        };
        var cacheSize = r.Integer(map.Child("circuitBreakerCacheSize"), field + ".circuitBreakerCacheSize", min: 1) ?? ActorTarget.DefaultCacheSize;
        return new ActorTarget(policies, scope, (int)Math.Min(cacheSize, int.MaxValue));
    }

    private static ComponentTarget ParseComponent(Reader r, YamlNode node, string field)
    {
        var map = r.Mapping(node, field) ?? throw r.Error(field, "must be a mapping with 'outbound' and/or 'inbound'");
        r.OnlyKeys(map, field, "outbound", "inbound");
        PolicyReferences? Direction(string key) =>
            YamlNodes.IsNull(map.Child(key)) ? null : ParseReferences(r, map.Child(key)!, $"{field}.{key}", []);
        return new ComponentTarget(Direction("outbound"), Direction("inbound"));
    }

    private static PolicyReferences ParseReferences(Reader r, YamlNode node, string field, string[] extraKeys)
    {
        var map = r.Mapping(node, field) ?? throw r.Error(field, "must be a mapping with 'timeout', 'retry' and/or 'circuitBreaker'");
        r.OnlyKeys(map, field, ["timeout", "retry", "circuitBreaker", .. extraKeys]);
        string? Name(string key) => r.Scalar(map.Child(key), $"{field}.{key}") is { Length: > 0 } s ? s : null;
        return new PolicyReferences(Name("timeout"), Name("retry"), Name("circuitBreaker"), new ResiliencySource(r.File, r.Resource, field));
    }

    private static List<string> ParseScopes(Reader r, YamlNode? node)
    {
        var scopes = new List<string>();
        if (YamlNodes.IsNull(node)) return scopes;
        if (node is not YamlSequenceNode seq) throw r.Error("scopes", "must be a list of app ids such as '[app1, app2]'");
        for (var i = 0; i < seq.Children.Count; i++)
            if (r.Scalar(seq.Children[i], $"scopes[{i}]") is { Length: > 0 } id) scopes.Add(id);
        return scopes;
    }

    /// <summary>Typed reads that throw with the field path (the shared <see cref="YamlFields"/>, plus Resiliency's own kinds of value).</summary>
    private sealed class Reader(string file, string resource)
    {
        private readonly YamlFields _fields = new((field, problem) => new ComponentConfigurationException(file, resource, field, problem));

        public string File => file;
        public string Resource => resource;

        public ComponentConfigurationException Error(string field, string problem) => new(file, resource, field, problem);

        public YamlMappingNode? Mapping(YamlNode? node, string field) => _fields.Mapping(node, field);

        public string? Scalar(YamlNode? node, string field) => _fields.Scalar(node, field);

        public IEnumerable<(string Key, YamlNode Node, string Field)> Entries(YamlNode? node, string field) => _fields.Entries(node, field);

        public void OnlyKeys(YamlMappingNode map, string field, params string[] allowed)
        {
            foreach (var k in map.Children.Keys)
            {
                var key = (k as YamlScalarNode)?.Value;
                if (key is null || !allowed.Contains(key, StringComparer.Ordinal))
                    throw Error($"{field}.{key}", $"unknown field; expected one of {string.Join(", ", allowed)}");
            }
        }

        public TimeSpan? Duration(YamlNode? node, string field, bool positive)
        {
            var text = Scalar(node, field);
            if (string.IsNullOrEmpty(text)) return null;
            if (!Durations.TryParse(text, out var value))
                throw Error(field, $"must be a duration such as '5s', '1m' or '500ms', not '{text}'");
            if (value < TimeSpan.Zero || (positive && value == TimeSpan.Zero))
                throw Error(field, $"must be {(positive ? "positive" : "zero or more")}, not '{text}'");
            return value;
        }

        public long? Integer(YamlNode? node, string field, long min) => _fields.Integer(node, field, min);
    }
}
