using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// Small helpers over YamlDotNet's representation model, shared by the resource loaders
/// (components, subscriptions, configuration, run templates).
/// </summary>
public static class YamlNodes
{
    /// <summary>Child of a mapping by key (exact, case-sensitive like Kubernetes/Dapr YAML), or null.</summary>
    public static YamlNode? Child(this YamlMappingNode mapping, string key)
    {
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode s && string.Equals(s.Value, key, StringComparison.Ordinal)) return v;
        }
        return null;
    }

    /// <summary>True when the node is absent or an explicit YAML null (<c>~</c>, <c>null</c>, empty plain scalar).</summary>
    public static bool IsNull(YamlNode? node) =>
        node is null || (node is YamlScalarNode s && s.Style is ScalarStyle.Plain or ScalarStyle.Any && IsNullText(s.Value));

    private static bool IsNullText(string? text) => text is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// The text of a scalar (numbers and booleans keep their written form), null for a missing/null node.
    /// Returns false when the node is a mapping or a sequence.
    /// </summary>
    public static bool TryGetScalar(YamlNode? node, out string? text)
    {
        text = null;
        if (IsNull(node)) return true;
        if (node is YamlScalarNode s)
        {
            text = s.Value ?? "";
            return true;
        }
        return false;
    }

    /// <summary>1-based line of a node (YamlDotNet marks are 1-based).</summary>
    public static long Line(this YamlNode node) => node.Start.Line;

    /// <summary>
    /// The JSON text of a node: mappings become objects, sequences arrays; plain scalars that read as
    /// numbers, booleans or null keep those JSON types, every other scalar is a string.
    /// </summary>
    public static string ToJson(YamlNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer, node);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : ToJson(k);
                    writer.WritePropertyName(key);
                    WriteJson(writer, v);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Children) WriteJson(writer, item);
                writer.WriteEndArray();
                break;
            case YamlScalarNode s:
                WriteScalar(writer, s);
                break;
            default:
                // Aliases are resolved by the representation model; anything else is written as its text.
                writer.WriteStringValue(node.ToString());
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode s)
    {
        var text = s.Value ?? "";
        if (s.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            writer.WriteStringValue(text);
            return;
        }
        if (IsNullText(text))
        {
            writer.WriteNullValue();
            return;
        }
        switch (text)
        {
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }
        if (LooksLikeJsonNumber(text))
        {
            writer.WriteRawValue(text, skipInputValidation: false);
            return;
        }
        writer.WriteStringValue(text);
    }

    private static bool LooksLikeJsonNumber(string text)
    {
        // JSON's number grammar is stricter than YAML's (no leading '+', no leading zeros, no '.5'): only emit
        // a number when the text is already valid JSON, otherwise keep it as a string.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d)) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Number;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Loads every document of a YAML text; parse errors become <see cref="YamlException"/> with line/column.</summary>
    public static IReadOnlyList<YamlDocument> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.ToList();
    }

    /// <summary>The problem part of a YamlDotNet message, without its "(Line: .., Col: .., Idx: ..) - (...): " prefix.</summary>
    public static string Describe(YamlException e)
    {
        var message = e.InnerException is YamlException inner ? Describe(inner) : e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
    }
}
