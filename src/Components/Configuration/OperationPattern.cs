namespace ActorRuntime.Components.Configuration;

/// <summary>
/// A compiled <c>operations[].name</c>: segments matched one by one, <c>*</c> inside a segment matches any
/// characters of that segment (<c>/op/*</c> is exactly one segment), a final <c>**</c> matches one or more segments
/// (as in daprd's ACL trie, <c>/op/**</c> does not match <c>/op</c> itself).
/// </summary>
internal sealed class OperationPattern
{
    private readonly string[] _segments;
    private readonly bool _multi;

    private OperationPattern(string[] segments, bool multi, int[] rank)
    {
        _segments = segments;
        _multi = multi;
        Rank = rank;
    }

    /// <summary>Per-segment specificity (3 literal, 2 partial wildcard, 1 <c>*</c>, 0 <c>**</c>), compared left to right.</summary>
    public int[] Rank { get; }

    /// <summary>Compiles a normalised pattern; the caller has already rejected <c>**</c> anywhere but last.</summary>
    public static OperationPattern Compile(string normalizedName)
    {
        var segments = OperationPath.Resolve(normalizedName).ToArray();
        var multi = segments.Length > 0 && segments[^1] == "**";
        if (multi) segments = segments[..^1];
        var rank = new int[segments.Length + (multi ? 1 : 0)];
        for (var i = 0; i < segments.Length; i++)
            rank[i] = segments[i] == "*" ? 1 : segments[i].Contains('*') ? 2 : 3;
        return new OperationPattern(segments, multi, rank);
    }

    public bool Matches(IReadOnlyList<string> path, StringComparison comparison)
    {
        if (_multi ? path.Count <= _segments.Length : path.Count != _segments.Length) return false;
        for (var i = 0; i < _segments.Length; i++)
            if (!SegmentMatches(path[i], _segments[i], comparison)) return false;
        return true;
    }

    /// <summary>Positive when this pattern is more specific than <paramref name="other"/>: first differing segment rank, then length.</summary>
    public int CompareSpecificity(OperationPattern other)
    {
        for (var i = 0; i < Math.Min(Rank.Length, other.Rank.Length); i++)
            if (Rank[i] != other.Rank[i]) return Rank[i].CompareTo(other.Rank[i]);
        return Rank.Length.CompareTo(other.Rank.Length);
    }

    private static bool SegmentMatches(string text, string pattern, StringComparison comparison)
    {
        if (pattern == "*") return true;
        if (!pattern.Contains('*')) return string.Equals(text, pattern, comparison);
        // Glob with '*' only: literal pieces must appear in order, anchored at both ends.
        var pieces = pattern.Split('*');
        if (!text.StartsWith(pieces[0], comparison)) return false;
        var pos = pieces[0].Length;
        for (var i = 1; i < pieces.Length - 1; i++)
        {
            if (pieces[i].Length == 0) continue;
            var at = text.IndexOf(pieces[i], pos, comparison);
            if (at < 0) return false;
            pos = at + pieces[i].Length;
        }
        var last = pieces[^1];
        return text.Length - pos >= last.Length && text.EndsWith(last, comparison);
    }
}
