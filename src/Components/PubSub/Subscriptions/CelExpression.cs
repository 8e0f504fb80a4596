using System.Globalization;
using System.Text.Json;

namespace ActorRuntime.Components.PubSub.Subscriptions;

/// <summary>
/// The part of CEL that Dapr's routing docs use, evaluated against the CloudEvent as <c>event</c>: paths
/// (<c>event.type</c>, <c>event.data.order.total</c>), string, number, bool and null literals, <c>== != &lt; &lt;= &gt; &gt;=</c>,
/// <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, parentheses, <c>has(path)</c> and the conversions <c>int()</c>, <c>double()</c>,
/// <c>string()</c>. A field that is absent makes its comparison false (CEL would report an error, which Dapr treats
/// as no match). Anything else is refused when the subscription is read, naming the expression.
/// </summary>
public sealed class CelExpression
{
    private readonly Node _root;

    private CelExpression(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <exception cref="FormatException">The expression is outside the supported subset.</exception>
    public static CelExpression Parse(string text) => new(text, new CelParser(text).ParseAll());

    public bool Evaluate(JsonElement cloudEvent) => _root.Eval(cloudEvent) is Value.Bool { B: true };

    internal abstract record Value
    {
        internal sealed record Bool(bool B) : Value;
        internal sealed record Num(double N) : Value;
        internal sealed record Str(string S) : Value;
        internal sealed record Null : Value;
        internal sealed record Json(JsonElement E) : Value;
        internal sealed record Missing : Value;

        public static Value From(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => new Str(e.GetString()!),
            JsonValueKind.Number => new Num(e.GetDouble()),
            JsonValueKind.True => new Bool(true),
            JsonValueKind.False => new Bool(false),
            JsonValueKind.Null => new Null(),
            _ => new Json(e),
        };
    }

    internal abstract record Node
    {
        public abstract Value Eval(JsonElement ev);
    }

    internal sealed record Literal(Value V) : Node
    {
        public override Value Eval(JsonElement ev) => V;
    }

    internal sealed record PathNode(IReadOnlyList<string> Segments) : Node
    {
        public override Value Eval(JsonElement ev) => Resolve(ev) is { } e ? Value.From(e) : new Value.Missing();

        public JsonElement? Resolve(JsonElement ev)
        {
            var current = ev;
            foreach (var s in Segments)
            {
                // data may arrive as a JSON string holding JSON (a publisher that sent text/plain JSON): look inside it.
                if (current.ValueKind == JsonValueKind.String && TryParse(current.GetString()!, out var inner)) current = inner;
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(s, out var next)) return null;
                current = next;
            }
            return current;
        }

        private static bool TryParse(string s, out JsonElement e)
        {
            e = default;
            if (s.Length == 0 || s[0] != '{') return false;
            try { e = JsonDocument.Parse(s).RootElement; return true; }
            catch (JsonException) { return false; }
        }
    }

    internal sealed record Has(PathNode Path) : Node
    {
        public override Value Eval(JsonElement ev) => new Value.Bool(Path.Resolve(ev) is not null);
    }

    internal sealed record Convert(string Function, Node Arg) : Node
    {
        public override Value Eval(JsonElement ev) => (Function, Arg.Eval(ev)) switch
        {
            ("int", Value.Num n) => new Value.Num(Math.Truncate(n.N)),
            ("int" or "double", Value.Str s) when double.TryParse(s.S, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) =>
                new Value.Num(Function == "int" ? Math.Truncate(d) : d),
            ("double", Value.Num n) => n,
            ("string", Value.Num n) => new Value.Str(n.N.ToString(CultureInfo.InvariantCulture)),
            ("string", Value.Str s) => s,
            ("string", Value.Bool b) => new Value.Str(b.B ? "true" : "false"),
            _ => new Value.Missing(),
        };
    }

    internal sealed record Not(Node Operand) : Node
    {
        public override Value Eval(JsonElement ev) => Operand.Eval(ev) is Value.Bool b ? new Value.Bool(!b.B) : new Value.Missing();
    }

    internal sealed record Logical(bool IsAnd, Node Left, Node Right) : Node
    {
        // CEL's && and || are commutative over errors: false && error = false, true || error = true.
        public override Value Eval(JsonElement ev)
        {
            var l = Left.Eval(ev) as Value.Bool;
            if (l is not null && l.B != IsAnd) return l;
            var r = Right.Eval(ev) as Value.Bool;
            if (r is not null && r.B != IsAnd) return r;
            return l is not null && r is not null ? new Value.Bool(IsAnd) : new Value.Missing();
        }
    }

    internal sealed record Compare(string Op, Node Left, Node Right) : Node
    {
        public override Value Eval(JsonElement ev)
        {
            var l = Left.Eval(ev);
            var r = Right.Eval(ev);
            int? order = (l, r) switch
            {
                (Value.Num a, Value.Num b) => a.N.CompareTo(b.N),
                (Value.Str a, Value.Str b) => string.CompareOrdinal(a.S, b.S),
                (Value.Bool a, Value.Bool b) when Op is "==" or "!=" => a.B == b.B ? 0 : 1,
                (Value.Null, Value.Null) when Op is "==" or "!=" => 0,
                (Value.Null, not Value.Missing) or (not Value.Missing, Value.Null) when Op is "==" or "!=" => 1,
                _ => null,
            };
            if (order is not { } o) return new Value.Missing();
            return new Value.Bool(Op switch
            {
                "==" => o == 0,
                "!=" => o != 0,
                "<" => o < 0,
                "<=" => o <= 0,
                ">" => o > 0,
                _ => o >= 0,
            });
        }
    }
}
