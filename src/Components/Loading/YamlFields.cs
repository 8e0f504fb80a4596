using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// Typed reads of YAML fields with one wording for every mistake, shared by the readers of components' siblings
/// (Configuration, Resiliency) and run files: the reader supplies how an error names the file, resource and field
/// (<paramref name="error"/>), this class says what is wrong (<c>must be a mapping (line 7)</c>, <c>must be a whole
/// number, not 'x'</c>).
/// </summary>
public sealed class YamlFields(Func<string, string, Exception> error)
{
    /// <summary>An error about <paramref name="field"/> in the reader's own terms.</summary>
    public Exception Error(string field, string problem) => error(field, problem);

    /// <summary>A mapping, or null when absent or null.</summary>
    public YamlMappingNode? Mapping(YamlNode? node, string field) => YamlNodes.IsNull(node)
        ? null
        : node as YamlMappingNode ?? throw Error(field, $"must be a mapping (line {node!.Start.Line})");

    /// <summary>A list, or null when absent or null; <paramref name="what"/> words the error (<c>a list such as '[a, b]'</c>).</summary>
    public YamlSequenceNode? Sequence(YamlNode? node, string field, string what = "a list") => YamlNodes.IsNull(node)
        ? null
        : node as YamlSequenceNode ?? throw Error(field, $"must be {what} (line {node!.Start.Line})");

    /// <summary>A scalar's trimmed text (possibly empty), null when absent or null.</summary>
    public string? Scalar(YamlNode? node, string field) => YamlNodes.TryGetScalar(node, out var text)
        ? text?.Trim()
        : throw Error(field, $"must be a single value, not a list or mapping (line {node!.Start.Line})");

    /// <summary>A scalar's trimmed text, null when absent, null or blank.</summary>
    public string? Text(YamlNode? node, string field) => Scalar(node, field) is { Length: > 0 } text ? text : null;

    public bool? Bool(YamlNode? node, string field)
    {
        var text = Text(node, field);
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw Error(field, $"must be true or false, not '{text}'"),
        };
    }

    public long? Integer(YamlNode? node, string field, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = Text(node, field);
        if (text is null) return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Error(field, $"must be a whole number, not '{text}'");
        if (value < min || value > max)
            throw Error(field, max == long.MaxValue ? $"must be {min} or more, not {value}" : $"must be between {min} and {max}, not {value}");
        return value;
    }

    /// <summary>The named entries of a mapping (absent: none), each with its field path <c>field.key</c>.</summary>
    public IEnumerable<(string Key, YamlNode Node, string Field)> Entries(YamlNode? node, string field)
    {
        var map = Mapping(node, field);
        if (map is null) yield break;
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value?.Trim();
            if (string.IsNullOrEmpty(key)) throw Error(field, $"has an entry without a name (line {k.Start.Line})");
            yield return (key, v, $"{field}.{key}");
        }
    }
}
