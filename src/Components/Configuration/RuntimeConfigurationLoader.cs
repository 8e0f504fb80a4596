using System.Globalization;
using ActorRuntime.Components.Loading;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Configuration;

/// <summary>
/// Reads the <c>--config</c> file (a Dapr <c>kind: Configuration</c>, <c>apiVersion: dapr.io/v1alpha1</c>).
/// daprd ignores bad values or treats them as deny at call time; here every mistake is a startup error naming
/// the file and field, because a silently wrong access policy is a security problem. Sections this runtime
/// does not model (metric, nameResolution, ...) are ignored.
/// </summary>
public static class RuntimeConfigurationLoader
{
    public const string ConfigurationKind = "Configuration";
    public const string ConfigurationApiVersion = "dapr.io/v1alpha1";

    private static readonly HashSet<string> KnownVerbs =
        ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"];

    /// <summary>Loads and validates the configuration file.</summary>
    public static RuntimeConfiguration Load(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var full = Path.GetFullPath(ResourceLoader.ExpandHome(file));
        var y = new ConfigurationYaml(full);
        if (!File.Exists(full)) throw y.Error(null, "configuration file does not exist");

        var docs = ResourceLoader.LoadFile(full)
            .Where(d => string.Equals(d.Kind, ConfigurationKind, StringComparison.Ordinal)).ToList();
        if (docs.Count == 0)
            throw y.Error(null, "contains no 'kind: Configuration' document; --config must name a Dapr Configuration file");
        if (docs.Count > 1)
            throw y.Error(null, $"contains {docs.Count} 'kind: Configuration' documents (lines {string.Join(", ", docs.Select(d => d.Line))}); keep one");
        return Parse(docs[0], y);
    }

    private static RuntimeConfiguration Parse(ResourceDocument doc, ConfigurationYaml y)
    {
        if (!string.Equals(doc.ApiVersion, ConfigurationApiVersion, StringComparison.Ordinal))
            throw y.Error("apiVersion", $"must be '{ConfigurationApiVersion}', not '{doc.ApiVersion ?? "(missing)"}'");
        var spec = y.Mapping(doc.Root, "spec", "spec");
        if (spec is null) return new RuntimeConfiguration { Name = doc.Name, SourceFile = y.File };

        return new RuntimeConfiguration
        {
            Name = doc.Name,
            SourceFile = y.File,
            AccessControl = ParseAccessControl(y, spec),
            Mtls = ParseMtls(y, spec),
            Features = ParseFeatures(y, spec),
            TracingSamplingRate = ParseSamplingRate(y, spec),
            Tracing = TracingSpecParser.Parse(y, spec),
            HttpPipeline = ParsePipeline(y, spec, "httpPipeline"),
            AppHttpPipeline = ParsePipeline(y, spec, "appHttpPipeline"),
            ApiAllowed = ParseApiRules(y, spec, "allowed"),
            ApiDenied = ParseApiRules(y, spec, "denied"),
            SecretScopes = ParseSecretScopes(y, spec),
            Metrics = ParseMetrics(y, spec),
        };
    }

    private static MtlsSpec? ParseMtls(ConfigurationYaml y, YamlMappingNode spec)
    {
        var m = y.Mapping(spec, "mtls", "spec.mtls");
        if (m is null) return null;
        return new MtlsSpec(y.Bool(m, "enabled", "spec.mtls.enabled"),
            Duration(y, m, "workloadCertTTL"), Duration(y, m, "allowedClockSkew"));

        static TimeSpan? Duration(ConfigurationYaml y, YamlMappingNode m, string key)
        {
            var text = y.String(m, key, "spec.mtls." + key);
            if (text is null) return null;
            if (!Model.Durations.TryParse(text, out var value) || value < TimeSpan.Zero)
                throw y.Error("spec.mtls." + key, $"'{text}' is not a duration such as 24h or 15m");
            return value;
        }
    }

    private static AccessControlSpec? ParseAccessControl(ConfigurationYaml y, YamlMappingNode spec)
    {
        const string p = "spec.accessControl";
        var ac = y.Mapping(spec, "accessControl", p);
        if (ac is null) return null;
        var defaultAction = y.Action(ac, "defaultAction", p + ".defaultAction");
        var trustDomain = y.String(ac, "trustDomain", p + ".trustDomain") ?? "public";

        var policies = new List<AccessControlAppPolicy>();
        var seen = new Dictionary<(string, string), int>();
        var nodes = y.MappingList(ac, "policies", p + ".policies");
        for (var i = 0; i < nodes.Count; i++)
        {
            var pp = $"{p}.policies[{i}]";
            var node = nodes[i];
            var appId = y.RequiredString(node, "appId", pp + ".appId");
            var ns = y.String(node, "namespace", pp + ".namespace") ?? "default";
            if (seen.TryGetValue((appId, ns), out var first))
                throw y.Error(pp, $"app '{appId}' in namespace '{ns}' already has a policy (policies[{first}]); merge them");
            seen[(appId, ns)] = i;
            policies.Add(new AccessControlAppPolicy(
                appId,
                y.Action(node, "defaultAction", pp + ".defaultAction"),
                y.String(node, "trustDomain", pp + ".trustDomain") ?? "public",
                ns,
                ParseOperations(y, node, pp + ".operations")));
        }
        return new AccessControlSpec(defaultAction, trustDomain, policies);
    }

    private static List<AccessControlOperation> ParseOperations(ConfigurationYaml y, YamlMappingNode policy, string path)
    {
        var result = new List<AccessControlOperation>();
        var nodes = y.MappingList(policy, "operations", path);
        for (var i = 0; i < nodes.Count; i++)
        {
            var op = $"{path}[{i}]";
            var rawName = y.RequiredString(nodes[i], "name", op + ".name");
            if (!OperationPath.TryNormalize(rawName, out var name) || rawName.Contains('?') || rawName.Contains('#'))
                throw y.Error(op + ".name", $"'{rawName}' is not a valid path pattern");
            if (rawName.Split('/').Any(s => s is "." or ".."))
                throw y.Error(op + ".name", $"'{rawName}' may not contain '.' or '..' segments");
            var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var s = 0; s < segments.Length; s++)
                if (segments[s].Contains("**") && (segments[s] != "**" || s != segments.Length - 1))
                    throw y.Error(op + ".name", $"'{rawName}': '**' is only allowed as the whole last segment, e.g. '/op/**'");

            var verbs = new List<string>();
            var verbPath = op + ".httpVerb";
            var rawVerbs = y.StringList(nodes[i], "httpVerb", verbPath);
            for (var v = 0; v < rawVerbs.Count; v++)
            {
                var verb = rawVerbs[v].ToUpperInvariant();
                if (verb != "*" && !KnownVerbs.Contains(verb))
                    throw y.Error($"{verbPath}[{v}]", $"'{rawVerbs[v]}' is not an HTTP verb; use one of {string.Join(", ", KnownVerbs)} or '*'");
                verbs.Add(verb);
            }
            var action = y.Action(nodes[i], "action", op + ".action")
                ?? throw y.Error(op + ".action", "is required: 'allow' or 'deny'");
            result.Add(new AccessControlOperation(name, verbs, action));
        }
        return result;
    }

    private static List<FeatureFlag> ParseFeatures(ConfigurationYaml y, YamlMappingNode spec)
    {
        var result = new List<FeatureFlag>();
        var nodes = y.MappingList(spec, "features", "spec.features");
        for (var i = 0; i < nodes.Count; i++)
        {
            var fp = $"spec.features[{i}]";
            var name = y.RequiredString(nodes[i], "name", fp + ".name");
            if (result.Any(f => f.Name == name)) throw y.Error(fp + ".name", $"feature '{name}' is listed twice");
            result.Add(new FeatureFlag(name, y.Bool(nodes[i], "enabled", fp + ".enabled") ?? false));
        }
        return result;
    }

    private static string? ParseSamplingRate(ConfigurationYaml y, YamlMappingNode spec)
    {
        var tracing = y.Mapping(spec, "tracing", "spec.tracing");
        if (tracing is null) return null;
        var rate = y.String(tracing, "samplingRate", "spec.tracing.samplingRate");
        if (rate is not null &&
            (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r < 0 || r > 1))
            throw y.Error("spec.tracing.samplingRate", $"must be a number from 0 to 1 such as \"1\" or \"0.1\", not '{rate}'");
        return rate;
    }

    private static List<PipelineHandler> ParsePipeline(ConfigurationYaml y, YamlMappingNode spec, string key)
    {
        var pipeline = y.Mapping(spec, key, "spec." + key);
        if (pipeline is null) return [];
        var result = new List<PipelineHandler>();
        var nodes = y.MappingList(pipeline, "handlers", $"spec.{key}.handlers");
        for (var i = 0; i < nodes.Count; i++)
        {
            var hp = $"spec.{key}.handlers[{i}]";
            result.Add(new PipelineHandler(y.RequiredString(nodes[i], "name", hp + ".name"), y.RequiredString(nodes[i], "type", hp + ".type")));
        }
        return result;
    }

    private static List<ApiAccessRule> ParseApiRules(ConfigurationYaml y, YamlMappingNode spec, string key)
    {
        var api = y.Mapping(spec, "api", "spec.api");
        if (api is null) return [];
        var result = new List<ApiAccessRule>();
        var nodes = y.MappingList(api, key, $"spec.api.{key}");
        for (var i = 0; i < nodes.Count; i++)
        {
            var ap = $"spec.api.{key}[{i}]";
            var protocol = y.String(nodes[i], "protocol", ap + ".protocol")?.ToLowerInvariant();
            if (protocol is not (null or "http" or "grpc"))
                throw y.Error(ap + ".protocol", $"must be 'http' or 'grpc', not '{protocol}'");
            result.Add(new ApiAccessRule(
                y.RequiredString(nodes[i], "name", ap + ".name"),
                y.String(nodes[i], "version", ap + ".version"),
                protocol));
        }
        return result;
    }

    private static MetricsSpec ParseMetrics(ConfigurationYaml y, YamlMappingNode spec)
    {
        var metrics = y.Mapping(spec, "metrics", "spec.metrics");
        if (metrics is null) return MetricsSpec.Default;
        var http = y.Mapping(metrics, "http", "spec.metrics.http");
        var patterns = http is null ? [] : y.StringList(http, "pathMatching", "spec.metrics.http.pathMatching");
        for (var i = 0; i < patterns.Count; i++)
            if (!patterns[i].StartsWith('/'))
                throw y.Error($"spec.metrics.http.pathMatching[{i}]", $"'{patterns[i]}' must be a path starting with '/', such as /orders/{{orderID}}");
        var buckets = new List<double>();
        var bucketTexts = y.StringList(metrics, "latencyDistributionBuckets", "spec.metrics.latencyDistributionBuckets");
        for (var i = 0; i < bucketTexts.Count; i++)
        {
            if (!double.TryParse(bucketTexts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var b) || b <= 0 || (buckets.Count > 0 && b <= buckets[^1]))
                throw y.Error($"spec.metrics.latencyDistributionBuckets[{i}]", $"'{bucketTexts[i]}' must be a positive number of milliseconds, larger than the bucket before it");
            buckets.Add(b);
        }
        return new MetricsSpec
        {
            Enabled = y.Bool(metrics, "enabled", "spec.metrics.enabled") ?? true,
            IncreasedCardinality = (http is null ? null : y.Bool(http, "increasedCardinality", "spec.metrics.http.increasedCardinality")) ?? false,
            PathMatching = patterns,
            ExcludeVerbs = (http is null ? null : y.Bool(http, "excludeVerbs", "spec.metrics.http.excludeVerbs")) ?? false,
            LatencyDistributionBuckets = buckets,
        };
    }

    private static List<SecretScope> ParseSecretScopes(ConfigurationYaml y, YamlMappingNode spec)
    {
        var secrets = y.Mapping(spec, "secrets", "spec.secrets");
        if (secrets is null) return [];
        var result = new List<SecretScope>();
        var nodes = y.MappingList(secrets, "scopes", "spec.secrets.scopes");
        for (var i = 0; i < nodes.Count; i++)
        {
            var sp = $"spec.secrets.scopes[{i}]";
            var store = y.RequiredString(nodes[i], "storeName", sp + ".storeName");
            if (result.Any(s => s.StoreName == store)) throw y.Error(sp + ".storeName", $"store '{store}' is scoped twice");
            result.Add(new SecretScope(
                store,
                y.Action(nodes[i], "defaultAccess", sp + ".defaultAccess") ?? AccessAction.Allow,
                y.StringList(nodes[i], "allowedSecrets", sp + ".allowedSecrets"),
                y.StringList(nodes[i], "deniedSecrets", sp + ".deniedSecrets")));
        }
        return result;
    }
}
