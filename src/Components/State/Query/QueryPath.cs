using System.Text.Json;

namespace ActorRuntime.Components.State.Query;

/// <summary>
/// A dotted path into a state document (<c>person.org</c>). Dapr's documentation also writes paths rooted at the stored
/// value (<c>value.person.org</c>), so that form is accepted when the document itself has no such path.
/// </summary>
internal sealed class QueryPath
{
    private const string ValueRoot = "value.";
    private readonly string[] _segments;
    private readonly string[]? _segmentsBelowValueRoot;

    private QueryPath(string text)
    {
        Text = text;
        _segments = text.Split('.');
        if (text.StartsWith(ValueRoot, StringComparison.Ordinal)) _segmentsBelowValueRoot = _segments[1..];
    }

    public string Text { get; }

    public static QueryPath Parse(string? text, string where)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidStateQueryException($"{where}: the key must be a non-empty string");
        if (text.Split('.').Any(s => s.Length == 0)) throw new InvalidStateQueryException($"{where}: '{text}' is not a valid dotted key");
        return new QueryPath(text);
    }

    /// <summary>The value at this path, or null when the document has nothing there.</summary>
    public JsonElement? Resolve(JsonElement document) =>
        Walk(document, _segments) ?? (_segmentsBelowValueRoot is { } below ? Walk(document, below) : null);

    private static JsonElement? Walk(JsonElement document, string[] segments)
    {
        var current = document;
        foreach (var segment in segments)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current)) return null;
        }
        return current;
    }
}
