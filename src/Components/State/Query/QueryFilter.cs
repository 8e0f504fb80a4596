using System.Text.Json;

namespace ActorRuntime.Components.State.Query;

/// <summary>A node of the Query API filter tree, evaluated against one JSON state document.</summary>
internal abstract class QueryFilter
{
    public abstract bool Matches(JsonElement document);

    /// <summary>Parses <c>{"EQ": {"path": value}}</c>, <c>{"IN": {"path": [..]}}</c>, <c>{"AND": [..]}</c>, <c>{"OR": [..]}</c> and the comparisons.</summary>
    public static QueryFilter Parse(JsonElement node, string where)
    {
        if (node.ValueKind != JsonValueKind.Object)
            throw new InvalidStateQueryException($"{where}: a filter must be an object with one operator, not {node.ValueKind}");
        var (op, operand) = SingleProperty(node, where, "a filter must have exactly one operator");
        var at = $"{where}.{op}";
        return op switch
        {
            "EQ" or "NEQ" or "GT" or "GTE" or "LT" or "LTE" => ParseComparison(op, operand, at),
            "IN" => ParseIn(operand, at),
            "AND" => new AllOf(ParseList(operand, at)),
            "OR" => new AnyOf(ParseList(operand, at)),
            _ => throw new InvalidStateQueryException($"{where}: unsupported filter operator '{op}' (EQ, NEQ, GT, GTE, LT, LTE, IN, AND, OR)"),
        };
    }

    private static QueryFilter ParseComparison(string op, JsonElement operand, string where)
    {
        var (path, value) = KeyAndValue(operand, where);
        return new Comparison(op, path, value);
    }

    private static QueryFilter ParseIn(JsonElement operand, string where)
    {
        var (path, values) = KeyAndValue(operand, where);
        if (values.ValueKind != JsonValueKind.Array) throw new InvalidStateQueryException($"{where}: the value of '{path.Text}' must be an array");
        return new OneOf(path, values.EnumerateArray().ToArray());
    }

    private static QueryFilter[] ParseList(JsonElement operand, string where)
    {
        if (operand.ValueKind != JsonValueKind.Array || operand.GetArrayLength() == 0)
            throw new InvalidStateQueryException($"{where}: must be a non-empty array of filters");
        return operand.EnumerateArray().Select((f, i) => Parse(f, $"{where}[{i}]")).ToArray();
    }

    private static (QueryPath Path, JsonElement Value) KeyAndValue(JsonElement operand, string where)
    {
        if (operand.ValueKind != JsonValueKind.Object) throw new InvalidStateQueryException($"{where}: must be an object {{\"key\": value}}");
        var (key, value) = SingleProperty(operand, where, "must name exactly one key");
        return (QueryPath.Parse(key, where), value.Clone());
    }

    private static (string Name, JsonElement Value) SingleProperty(JsonElement obj, string where, string problem)
    {
        using var properties = obj.EnumerateObject();
        if (!properties.MoveNext()) throw new InvalidStateQueryException($"{where}: {problem}");
        var first = properties.Current;
        if (properties.MoveNext()) throw new InvalidStateQueryException($"{where}: {problem}");
        return (first.Name, first.Value);
    }

    private sealed class Comparison(string op, QueryPath path, JsonElement expected) : QueryFilter
    {
        // A document without the field matches no comparison, not even NEQ, as in SQL where NULL compares to nothing.
        public override bool Matches(JsonElement document) => path.Resolve(document) is { } actual && op switch
        {
            "EQ" => JsonValues.AreEqual(actual, expected),
            "NEQ" => !JsonValues.AreEqual(actual, expected),
            "GT" => JsonValues.CompareSameKind(actual, expected) > 0,
            "GTE" => JsonValues.CompareSameKind(actual, expected) >= 0,
            "LT" => JsonValues.CompareSameKind(actual, expected) < 0,
            _ => JsonValues.CompareSameKind(actual, expected) <= 0,
        };
    }

    private sealed class OneOf(QueryPath path, JsonElement[] candidates) : QueryFilter
    {
        public override bool Matches(JsonElement document) =>
            path.Resolve(document) is { } actual && candidates.Any(c => JsonValues.AreEqual(actual, c));
    }

    private sealed class AllOf(QueryFilter[] filters) : QueryFilter
    {
        public override bool Matches(JsonElement document) => filters.All(f => f.Matches(document));
    }

    private sealed class AnyOf(QueryFilter[] filters) : QueryFilter
    {
        public override bool Matches(JsonElement document) => filters.Any(f => f.Matches(document));
    }
}
