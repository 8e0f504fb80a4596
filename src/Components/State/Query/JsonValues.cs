using System.Text.Json;

namespace ActorRuntime.Components.State.Query;

/// <summary>How the Query API compares JSON values found in state documents with the ones in a query.</summary>
internal static class JsonValues
{
    /// <summary>
    /// Equality for EQ/IN. Numbers compare by value (<c>1</c> equals <c>1.0</c>). A string also equals a number or
    /// boolean with the same text, because Dapr's SQL stores compare extracted JSON as text and so match <c>"30"</c> with <c>30</c>.
    /// </summary>
    public static bool AreEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number) return CompareNumbers(a, b) == 0;
        if (IsScalar(a) && IsScalar(b) && (a.ValueKind == JsonValueKind.String || b.ValueKind == JsonValueKind.String))
            return string.Equals(ScalarText(a), ScalarText(b), StringComparison.Ordinal);
        return JsonElement.DeepEquals(a, b);
    }

    /// <summary>Ordering for GT/GTE/LT/LTE: only numbers with numbers and strings with strings compare; null otherwise.</summary>
    public static int? CompareSameKind(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
    {
        (JsonValueKind.Number, JsonValueKind.Number) => CompareNumbers(a, b),
        (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(a.GetString(), b.GetString()),
        _ => null,
    };

    /// <summary>
    /// Total order for sorting, with absent values (<c>null</c> here) first:
    /// absent &lt; null &lt; booleans &lt; numbers &lt; strings &lt; arrays &lt; objects.
    /// </summary>
    public static int CompareForSort(JsonElement? a, JsonElement? b)
    {
        var byRank = Rank(a).CompareTo(Rank(b));
        if (byRank != 0 || a is not { } x || b is not { } y) return byRank;
        return x.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => x.GetBoolean().CompareTo(y.GetBoolean()),
            JsonValueKind.Number => CompareNumbers(x, y),
            JsonValueKind.String => string.CompareOrdinal(x.GetString(), y.GetString()),
            JsonValueKind.Null => 0,
            _ => string.CompareOrdinal(x.GetRawText(), y.GetRawText()),
        };
    }

    private static int Rank(JsonElement? e) => e?.ValueKind switch
    {
        null or JsonValueKind.Undefined => 0,
        JsonValueKind.Null => 1,
        JsonValueKind.True or JsonValueKind.False => 2,
        JsonValueKind.Number => 3,
        JsonValueKind.String => 4,
        JsonValueKind.Array => 5,
        _ => 6,
    };

    private static int CompareNumbers(JsonElement a, JsonElement b) =>
        a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x.CompareTo(y) : a.GetDouble().CompareTo(b.GetDouble());

    private static bool IsScalar(JsonElement e) =>
        e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static string ScalarText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
