using System.Globalization;
using System.Text;

namespace ActorRuntime.Components.Connections;

/// <summary>
/// Splits a PostgreSQL URL, <c>postgres[ql]://user:password@host:port[,host2:port2]/dbname?sslmode=require&amp;...</c>,
/// into libpq settings (as libpq and pgx read it): user, password, host(s), port(s) and database percent-decoded,
/// then every query parameter (a libpq key, which wins over the same key earlier in the URL).
/// </summary>
internal static class PostgresUrl
{
    public static bool IsUrl(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    public static List<ConnectionSetting> Split(string text)
    {
        var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var settings = new List<ConnectionSetting>();
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        var hash = rest.IndexOf('#');
        if (hash >= 0) rest = rest[..hash];

        var slash = rest.IndexOf('/');
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? rest[(slash + 1)..] : "";

        // The password may contain '@' when percent-encoded only; the last '@' ends the user info either way.
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.Length > 0) settings.Add(new ConnectionSetting("user", Decode(user, "the user name"), null));
            if (colon >= 0) settings.Add(new ConnectionSetting("password", Decode(userInfo[(colon + 1)..], "the password"), "user"));
        }

        if (authority.Length > 0)
        {
            var hosts = new List<string>();
            var ports = new List<string>();
            foreach (var part in authority.Split(','))
            {
                var (host, port) = SplitHostPort(part);
                hosts.Add(Decode(host, "the host"));
                ports.Add(port);
            }
            if (hosts.Any(h => h.Length > 0)) settings.Add(new ConnectionSetting("host", string.Join(',', hosts), null));
            if (ports.Any(p => p.Length > 0)) settings.Add(new ConnectionSetting("port", string.Join(',', ports), "host"));
        }
        if (path.Length > 0) settings.Add(new ConnectionSetting("dbname", Decode(path, "the database name"), null));

        if (!string.IsNullOrEmpty(query))
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                // As Go's url.ParseQuery (pgx): '+' is a space in query parameters.
                var key = Decode((eq >= 0 ? pair[..eq] : pair).Replace('+', ' '), "a query parameter name");
                var value = eq >= 0 ? pair[(eq + 1)..].Replace('+', ' ') : "";
                settings.Add(new ConnectionSetting(key, Decode(value, PostgresKeys.IsSecret(key) ? "the password" : $"'{PostgresKeys.Printable(key)}'"), null));
            }
        }
        return settings;
    }

    private static (string Host, string Port) SplitHostPort(string part)
    {
        if (part.StartsWith('['))
        {
            var close = part.IndexOf(']');
            if (close < 0) throw new ConnectionStringException("has an IPv6 host without its closing ']'");
            var after = part[(close + 1)..];
            if (after.Length > 0 && after[0] != ':') throw new ConnectionStringException($"has text after the IPv6 host '{part[..(close + 1)]}'");
            return (part[1..close], after.Length > 0 ? after[1..] : "");
        }
        var colon = part.LastIndexOf(':');
        return colon >= 0 ? (part[..colon], part[(colon + 1)..]) : (part, "");
    }

    /// <summary>Percent-decoding that refuses a bad escape (as Go's url.Parse does) instead of keeping it literally.</summary>
    private static string Decode(string text, string what)
    {
        if (!text.Contains('%')) return text;
        var bytes = new List<byte>(text.Length);
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%') continue;
            if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                throw new ConnectionStringException($"has a bad percent-escape in {what} ('%' must be followed by two hex digits; write '%25' for '%')");
            bytes.AddRange(Encoding.UTF8.GetBytes(text[run..i]));
            bytes.Add(b);
            i += 2;
            run = i + 1;
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(text[run..]));
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
