using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorRuntime.Components.Bindings;

/// <summary>
/// JSON as Go's <c>encoding/json</c> writes a value it decoded into <c>any</c>: compact, object keys sorted, numbers as
/// float64 prints them, <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> escaped. daprd does this to an output binding request's
/// <c>data</c> (a JSON string stays a quoted string; absent data is <c>null</c>) and the PostgreSQL binding to
/// <c>json</c>/<c>jsonb</c> columns. Matching it byte for byte lets Dapr and this runtime read each other's values.
/// </summary>
public static class GoJson
{
    public static byte[] Marshal(JsonElement? value) => Encoding.UTF8.GetBytes(ToText(value));

    public static string ToText(JsonElement? value)
    {
        var sb = new StringBuilder();
        if (value is { } v) Write(sb, v);
        else sb.Append("null");
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                // Go's encoding/json sorts map keys by their bytes; a repeated key keeps the last value, as Go's decoder does.
                var props = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject()) props[p.Name] = p.Value;
                foreach (var (name, value) in props.OrderBy(kv => Encoding.UTF8.GetBytes(kv.Key), ByteOrder.Instance))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, name);
                    sb.Append(':');
                    Write(sb, value);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (i++ > 0) sb.Append(',');
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String: WriteString(sb, e.GetString()!); break;
            case JsonValueKind.Number: sb.Append(Float(e.GetDouble())); break;
            case JsonValueKind.True: sb.Append("true"); break;
            case JsonValueKind.False: sb.Append("false"); break;
            default: sb.Append("null"); break;
        }
    }

    /// <summary>Go's float64 encoding: plain decimal between 1e-6 and 1e21, else exponent form such as <c>1e+21</c>.</summary>
    private static string Float(double d)
    {
        if (d == 0) return "0";
        var abs = Math.Abs(d);
        if (abs >= 1e-6 && abs < 1e21)
        {
            // "R" round-trips; rewrite any exponent it chose into plain digits.
            var r = d.ToString("R", CultureInfo.InvariantCulture);
            return r.Contains('E', StringComparison.Ordinal) ? ((decimal)d).ToString(CultureInfo.InvariantCulture) : r;
        }
        var text = d.ToString("R", CultureInfo.InvariantCulture); // e.g. 1E+21, 1.5E-07
        var mark = text.IndexOf('E', StringComparison.Ordinal);
        if (mark < 0) return text;
        var mantissa = text[..mark];
        var exponent = int.Parse(text[(mark + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        // Go prints at least two exponent digits, then encoding/json trims "e-07" to "e-7" (but keeps "e+21").
        return exponent < 0 ? $"{mantissa}e-{-exponent}" : $"{mantissa}e+{exponent:00}";
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
