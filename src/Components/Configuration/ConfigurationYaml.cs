using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Configuration;

/// <summary>
/// Typed reads from a Configuration document that throw <see cref="ComponentConfigurationException"/> naming the
/// file and the full field path (<c>spec.accessControl.policies[0].operations[1].action</c>) on any wrong type or value.
/// </summary>
internal sealed class ConfigurationYaml(string file)
{
    private readonly YamlFields _fields = new((field, problem) => new ComponentConfigurationException(file, null, field, problem));

    public string File { get; } = file;

    public ComponentConfigurationException Error(string? path, string problem) => new(File, null, path, problem);

    public YamlMappingNode? Mapping(YamlMappingNode parent, string key, string path) => _fields.Mapping(parent.Child(key), path);

    public IReadOnlyList<YamlMappingNode> MappingList(YamlMappingNode parent, string key, string path)
    {
        if (_fields.Sequence(parent.Child(key), path) is not { } seq) return [];
        var result = new List<YamlMappingNode>();
        for (var i = 0; i < seq.Children.Count; i++)
            result.Add(seq.Children[i] as YamlMappingNode ?? throw Error($"{path}[{i}]", $"must be a mapping (line {seq.Children[i].Start.Line})"));
        return result;
    }

    public IReadOnlyList<string> StringList(YamlMappingNode parent, string key, string path)
    {
        if (_fields.Sequence(parent.Child(key), path, "a list such as '[a, b]'") is not { } seq) return [];
        var result = new List<string>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlScalarNode || !YamlNodes.TryGetScalar(seq.Children[i], out var text) || string.IsNullOrWhiteSpace(text))
                throw Error($"{path}[{i}]", "must be a non-empty string");
            result.Add(text.Trim());
        }
        return result;
    }

    /// <summary>A scalar's trimmed text, null when absent or empty.</summary>
    public string? String(YamlMappingNode parent, string key, string path) => _fields.Text(parent.Child(key), path);

    public string RequiredString(YamlMappingNode parent, string key, string path) =>
        String(parent, key, path) ?? throw Error(path, $"is required (line {parent.Start.Line})");

    public bool? Bool(YamlMappingNode parent, string key, string path) => _fields.Bool(parent.Child(key), path);

    public AccessAction? Action(YamlMappingNode parent, string key, string path)
    {
        var text = String(parent, key, path);
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "allow" => AccessAction.Allow,
            "deny" => AccessAction.Deny,
            _ => throw Error(path, $"must be 'allow' or 'deny', not '{text}'"),
        };
    }
}
