using System.Text;

namespace ActorRuntime.Components.Configuration;

/// <summary>
/// Normalises invocation paths before access control sees them, so that spellings the app would treat as the same
/// path (<c>/a/../b</c>, <c>//b</c>, <c>/%62</c>, <c>/b/</c>) cannot slip past a rule on <c>/b</c>.
/// daprd does the same with purell before matching.
/// </summary>
public static class OperationPath
{
    /// <summary>
    /// Query and fragment dropped, percent-escapes decoded (once, strict UTF-8), empty and <c>.</c> segments removed,
    /// <c>..</c> resolved (never above the root), leading <c>/</c> added, trailing <c>/</c> removed.
    /// Returns false for malformed escapes or NUL characters: such a path must be refused, not guessed at.
    /// </summary>
    public static bool TryNormalize(string? operation, out string normalized)
    {
        normalized = "/";
        var raw = operation ?? "";
        var cut = raw.IndexOfAny(['?', '#']);
        if (cut >= 0) raw = raw[..cut];
        if (!TryDecode(raw, out var decoded) || decoded.Contains('\0')) return false;
        normalized = Join(Resolve(decoded));
        return true;
    }

    /// <summary>The normalised segments of a path that is already decoded (used for rule patterns too).</summary>
    internal static List<string> Resolve(string decoded)
    {
        var segments = new List<string>();
        foreach (var segment in decoded.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (segments.Count > 0) segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        return segments;
    }

    internal static string Join(IReadOnlyList<string> segments) => "/" + string.Join('/', segments);

    private static bool TryDecode(string text, out string decoded)
    {
        decoded = text;
        if (!text.Contains('%')) return true;
        var bytes = new List<byte>(text.Length);
        var utf8 = Encoding.UTF8;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                bytes.AddRange(utf8.GetBytes(c.ToString()));
                continue;
            }
            if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) return false;
            bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
            i += 2;
        }
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
