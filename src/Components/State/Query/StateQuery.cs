using System.Globalization;
using System.Text.Json;

namespace ActorRuntime.Components.State.Query;

/// <summary>One sort key of a query: a path and its direction.</summary>
internal sealed record QuerySort(QueryPath Path, bool Descending);

/// <summary>
/// A parsed Query API (alpha1) document: <c>{filter, sort:[{key, order}], page:{limit, token}}</c>.
/// The page token is the offset of the next result, as a string.
/// </summary>
internal sealed record StateQuery(QueryFilter? Filter, IReadOnlyList<QuerySort> Sort, int Limit, int Offset)
{
    public static StateQuery Parse(JsonElement query)
    {
        if (query.ValueKind != JsonValueKind.Object)
            throw new InvalidStateQueryException($"the query must be a JSON object, not {query.ValueKind}");
        QueryFilter? filter = null;
        IReadOnlyList<QuerySort> sort = [];
        int limit = 0, offset = 0;
        foreach (var property in query.EnumerateObject())
        {
            switch (property.Name)
            {
                case "filter":
                    filter = ParseFilter(property.Value);
                    break;
                case "sort":
                    sort = ParseSort(property.Value);
                    break;
                case "page":
                    (limit, offset) = ParsePage(property.Value);
                    break;
                // Other members (e.g. Dapr SDKs' "metadata") do not change the result.
            }
        }
        return new StateQuery(filter, sort, limit, offset);
    }

    /// <summary>A missing, null or empty filter selects every document.</summary>
    private static QueryFilter? ParseFilter(JsonElement node) =>
        node.ValueKind == JsonValueKind.Null || (node.ValueKind == JsonValueKind.Object && !node.EnumerateObject().Any())
            ? null
            : QueryFilter.Parse(node, "filter");

    private static IReadOnlyList<QuerySort> ParseSort(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Null) return [];
        if (node.ValueKind != JsonValueKind.Array) throw new InvalidStateQueryException("sort: must be an array of {key, order}");
        return node.EnumerateArray().Select((s, i) =>
        {
            var where = $"sort[{i}]";
            if (s.ValueKind != JsonValueKind.Object) throw new InvalidStateQueryException($"{where}: must be an object {{key, order}}");
            var key = s.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            var order = s.TryGetProperty("order", out var o) && o.ValueKind != JsonValueKind.Null
                ? (o.ValueKind == JsonValueKind.String ? o.GetString() : null) ?? throw new InvalidStateQueryException($"{where}.order: must be \"ASC\" or \"DESC\"")
                : "ASC";
            var descending = order.ToUpperInvariant() switch
            {
                "ASC" => false,
                "DESC" => true,
                _ => throw new InvalidStateQueryException($"{where}.order: must be \"ASC\" or \"DESC\", not '{order}'"),
            };
            return new QuerySort(QueryPath.Parse(key, $"{where}.key"), descending);
        }).ToArray();
    }

    private static (int Limit, int Offset) ParsePage(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Null) return (0, 0);
        if (node.ValueKind != JsonValueKind.Object) throw new InvalidStateQueryException("page: must be an object {limit, token}");
        var limit = 0;
        if (node.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null
            && (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out limit) || limit < 0))
            throw new InvalidStateQueryException("page.limit: must be a non-negative integer");
        var offset = 0;
        if (node.TryGetProperty("token", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            // Tokens are handed out as strings; a bare number is taken too, since it means the same.
            var text = t.ValueKind switch
            {
                JsonValueKind.String => t.GetString(),
                JsonValueKind.Number => t.GetRawText(),
                _ => null,
            };
            if (!string.IsNullOrEmpty(text)
                && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
                throw new InvalidStateQueryException($"page.token: '{text}' is not a token returned by this store");
        }
        return (limit, offset);
    }
}
