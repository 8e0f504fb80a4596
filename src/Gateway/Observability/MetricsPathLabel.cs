using ActorRuntime.Components.Configuration;

namespace ActorRuntime.Gateway.Observability;

/// <summary>
/// Dapr's HTTP metric cardinality rules: a path that matches a <c>pathMatching</c> pattern is reported as the pattern
/// (<c>/orders/{orderID}</c>); any other path is reported as it is with <c>increasedCardinality: true</c> and as ""
/// otherwise, so request data (ids, keys) never becomes an unbounded set of series.
/// </summary>
public sealed class MetricsPathLabel
{
    private readonly string[][] _patterns;
    private readonly string[] _patternTexts;
    private readonly bool _increasedCardinality;
    private readonly bool _excludeVerbs;

    public MetricsPathLabel(MetricsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _patternTexts = [.. spec.PathMatching];
        _patterns = [.. spec.PathMatching.Select(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries))];
        _increasedCardinality = spec.IncreasedCardinality;
        _excludeVerbs = spec.ExcludeVerbs;
    }

    /// <summary>The <c>method</c> label: the verb, or "" with <c>excludeVerbs</c>.</summary>
    public string Method(string method) => _excludeVerbs ? "" : method;

    /// <summary>The <c>path</c> label for <paramref name="path"/>.</summary>
    public string Path(string path)
    {
        if (_patterns.Length > 0)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < _patterns.Length; i++)
                if (Matches(_patterns[i], segments)) return _patternTexts[i];
        }
        return _increasedCardinality ? path : "";
    }

    /// <summary>Same number of segments; each literal segment equal, each <c>{name}</c> segment anything.</summary>
    private static bool Matches(string[] pattern, string[] segments)
    {
        if (pattern.Length != segments.Length) return false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var p = pattern[i];
            if (p.Length > 1 && p[0] == '{' && p[^1] == '}') continue;
            if (!string.Equals(p, segments[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
