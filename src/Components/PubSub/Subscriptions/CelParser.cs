using System.Globalization;
using System.Text;

namespace ActorRuntime.Components.PubSub.Subscriptions;

/// <summary>Recursive descent over <see cref="CelExpression"/>'s subset: or → and → comparison → unary → primary.</summary>
internal sealed class CelParser(string text)
{
    private int _pos;

    public CelExpression.Node ParseAll()
    {
        var node = ParseOr();
        SkipSpace();
        if (_pos < text.Length) throw Error($"unexpected '{text[_pos..]}'");
        return node;
    }

    private CelExpression.Node ParseOr()
    {
        var left = ParseAnd();
        while (Accept("||")) left = new CelExpression.Logical(false, left, ParseAnd());
        return left;
    }

    private CelExpression.Node ParseAnd()
    {
        var left = ParseComparison();
        while (Accept("&&")) left = new CelExpression.Logical(true, left, ParseComparison());
        return left;
    }

    private CelExpression.Node ParseComparison()
    {
        var left = ParseUnary();
        foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
            if (Accept(op)) return new CelExpression.Compare(op, left, ParseUnary());
        return left;
    }

    private CelExpression.Node ParseUnary()
    {
        if (Peek("!=")) return ParsePrimary();
        if (Accept("!")) return new CelExpression.Not(ParseUnary());
        if (Accept("-")) return ParsePrimary() is CelExpression.Literal { V: CelExpression.Value.Num n } ? new CelExpression.Literal(new CelExpression.Value.Num(-n.N)) : throw Error("'-' must precede a number");
        return ParsePrimary();
    }

    private CelExpression.Node ParsePrimary()
    {
        SkipSpace();
        if (_pos >= text.Length) throw Error("unexpected end");
        var c = text[_pos];
        if (Accept("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }
        if (c is '"' or '\'') return new CelExpression.Literal(new CelExpression.Value.Str(ParseString(c)));
        if (char.IsDigit(c) || c == '.') return new CelExpression.Literal(new CelExpression.Value.Num(ParseNumber()));
        var ident = ParseIdentifier();
        switch (ident)
        {
            case "true": return new CelExpression.Literal(new CelExpression.Value.Bool(true));
            case "false": return new CelExpression.Literal(new CelExpression.Value.Bool(false));
            case "null": return new CelExpression.Literal(new CelExpression.Value.Null());
            case "has":
                Expect("(");
                var path = ParsePath(ParseIdentifier());
                Expect(")");
                return new CelExpression.Has(path);
            case "int" or "double" or "string" or "uint":
                Expect("(");
                var arg = ParseOr();
                Expect(")");
                return new CelExpression.Convert(ident == "uint" ? "int" : ident, arg);
            default:
                return ParsePath(ident);
        }
    }

    private CelExpression.PathNode ParsePath(string first)
    {
        if (first != "event") throw Error($"unknown name '{first}' (only event.* is defined)");
        var segments = new List<string>();
        while (Accept(".")) segments.Add(ParseIdentifier());
        return new CelExpression.PathNode(segments);
    }

    private string ParseIdentifier()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
        if (start == _pos) throw Error($"expected a name at '{text[start..]}'");
        return text[start.._pos];
    }

    private double ParseNumber()
    {
        var start = _pos;
        while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E')) _pos++;
        var s = text[start.._pos];
        if (_pos < text.Length && text[_pos] is 'u' or 'U') _pos++; // 1u
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Error($"bad number '{s}'");
    }

    private string ParseString(char quote)
    {
        _pos++;
        var sb = new StringBuilder();
        while (_pos < text.Length && text[_pos] != quote)
        {
            if (text[_pos] == '\\' && _pos + 1 < text.Length) _pos++;
            sb.Append(text[_pos++]);
        }
        if (_pos >= text.Length) throw Error("unterminated string");
        _pos++;
        return sb.ToString();
    }

    private bool Peek(string token)
    {
        SkipSpace();
        return string.CompareOrdinal(text, _pos, token, 0, token.Length) == 0;
    }

    private bool Accept(string token)
    {
        if (!Peek(token)) return false;
        _pos += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token)) throw Error($"expected '{token}'");
    }

    private void SkipSpace()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
    }

    private FormatException Error(string problem) => new($"match expression '{text}': {problem} (position {_pos})");
}
