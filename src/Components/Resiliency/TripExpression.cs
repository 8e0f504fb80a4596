using System.Globalization;

namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// A circuit breaker's <c>trip</c> condition. Dapr evaluates it as CEL over the breaker counts; the subset real
/// resources use is supported here: integer comparisons (<c>&gt; &gt;= &lt; &lt;= == !=</c>) of the count variables
/// combined with <c>&amp;&amp;</c>, <c>||</c> and parentheses, e.g.
/// <c>consecutiveFailures &gt; 5 || (requests &gt; 10 &amp;&amp; totalFailures &gt;= 5)</c>.
/// Parsed once at load into a small tree so evaluating it on every failure is a few comparisons.
/// </summary>
public sealed class TripExpression
{
    /// <summary>The variables Dapr exposes to the expression.</summary>
    public static readonly IReadOnlyList<string> Variables =
        ["requests", "totalSuccesses", "totalFailures", "consecutiveSuccesses", "consecutiveFailures"];

    private readonly Node _root;

    private TripExpression(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>True when the breaker should open for these counts.</summary>
    public bool Evaluate(in CircuitBreakerCounts counts) => _root.Evaluate(counts);

    public override string ToString() => Text;

    /// <summary>Parses an expression; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string text, out TripExpression? expression, out string? error)
    {
        expression = null;
        try
        {
            var parser = new TripExpressionParser(text);
            expression = new TripExpression(text, parser.ParseAll());
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Parses an expression known to be valid (defaults, tests).</summary>
    public static TripExpression Parse(string text) =>
        TryParse(text, out var expression, out var error) ? expression! : throw new FormatException(error);

    internal abstract class Node
    {
        public abstract bool Evaluate(in CircuitBreakerCounts counts);
    }

    internal sealed class Or(Node left, Node right) : Node
    {
        public override bool Evaluate(in CircuitBreakerCounts counts) => left.Evaluate(counts) || right.Evaluate(counts);
    }

    internal sealed class And(Node left, Node right) : Node
    {
        public override bool Evaluate(in CircuitBreakerCounts counts) => left.Evaluate(counts) && right.Evaluate(counts);
    }

    /// <summary>An operand: a count variable (index into <see cref="Variables"/>) or an integer literal.</summary>
    internal readonly record struct Operand(int Variable, long Literal)
    {
        public long Value(in CircuitBreakerCounts c) => Variable switch
        {
            0 => c.Requests,
            1 => c.TotalSuccesses,
            2 => c.TotalFailures,
            3 => c.ConsecutiveSuccesses,
            4 => c.ConsecutiveFailures,
            _ => Literal,
        };
    }

    internal sealed class Compare(Operand left, string op, Operand right) : Node
    {
        public override bool Evaluate(in CircuitBreakerCounts counts)
        {
            var l = left.Value(counts);
            var r = right.Value(counts);
            return op switch
            {
                ">" => l > r,
                ">=" => l >= r,
                "<" => l < r,
                "<=" => l <= r,
                "==" => l == r,
                _ => l != r,
            };
        }
    }

    /// <summary>Recursive descent: or := and ('||' and)*; and := primary ('&amp;&amp;' primary)*; primary := '(' or ')' | operand cmp operand.</summary>
    private sealed class TripExpressionParser(string text)
    {
        private int _pos;

        public Node ParseAll()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("it is empty; expected e.g. 'consecutiveFailures > 5'");
            var node = ParseOr();
            SkipSpace();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos..]}' at position {_pos + 1}");
            return node;
        }

        private Node ParseOr()
        {
            var node = ParseAnd();
            while (Accept("||")) node = new Or(node, ParseAnd());
            return node;
        }

        private Node ParseAnd()
        {
            var node = ParsePrimary();
            while (Accept("&&")) node = new And(node, ParsePrimary());
            return node;
        }

        private Node ParsePrimary()
        {
            if (Accept("("))
            {
                var inner = ParseOr();
                if (!Accept(")")) throw Error($"expected ')' at position {_pos + 1}");
                return inner;
            }
            var left = ParseOperand();
            SkipSpace();
            string? op = null;
            foreach (var candidate in (ReadOnlySpan<string>)[">=", "<=", "==", "!=", ">", "<"])
            {
                if (Accept(candidate))
                {
                    op = candidate;
                    break;
                }
            }
            if (op is null) throw Error($"expected a comparison (> >= < <= == !=) at position {_pos + 1}");
            return new Compare(left, op, ParseOperand());
        }

        private Operand ParseOperand()
        {
            SkipSpace();
            var start = _pos;
            if (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                var digits = text[start.._pos];
                if (_pos < text.Length && text[_pos] is 'u' or 'U') _pos++; // CEL unsigned literal, e.g. 5u
                if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    throw Error($"number '{digits}' is too large");
                return new Operand(-1, value);
            }
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            if (_pos == start)
                throw Error(_pos < text.Length
                    ? $"unexpected '{text[_pos]}' at position {_pos + 1}; expected a count or an integer"
                    : "ends too early; expected a count or an integer");
            var name = text[start.._pos];
            for (var i = 0; i < Variables.Count; i++)
                if (string.Equals(Variables[i], name, StringComparison.Ordinal)) return new Operand(i, 0);
            throw Error($"unknown variable '{name}'; use one of {string.Join(", ", Variables)}");
        }

        private bool Accept(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0 || _pos + token.Length > text.Length) return false;
            _pos += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private FormatException Error(string problem) => new($"invalid trip expression '{text}': {problem}");
    }
}
