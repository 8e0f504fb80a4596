using System.Text.RegularExpressions;
using Npgsql;

namespace ActorRuntime.Components.Connections;

/// <summary>The way a PostgreSQL connection string is written.</summary>
public enum PostgresConnectionStringForm
{
    /// <summary>Npgsql's <c>Host=...;Port=...;Username=...</c>, passed to Npgsql unchanged.</summary>
    Npgsql,
    /// <summary>libpq's <c>host=... port=... user=...</c>, as Dapr's docs and pgx write it.</summary>
    KeywordValue,
    /// <summary><c>postgres://user:password@host:port/db?sslmode=...</c> (or <c>postgresql://</c>).</summary>
    Url,
}

/// <summary>
/// Reads a PostgreSQL connection string in any of the three forms Dapr users write (see <see cref="PostgresConnectionStringForm"/>)
/// and turns it into Npgsql settings. Errors are <see cref="ConnectionStringException"/>s naming the offending key, never
/// the password, and never a DNS error from treating the whole text as a host name.
/// </summary>
/// <remarks>
/// Which form: a <c>postgres://</c> or <c>postgresql://</c> prefix is a URL. Otherwise the text is read left to right,
/// skipping quoted values: a <c>;</c> followed by another <c>Key=</c> (or by the end) means Npgsql's form; whitespace
/// followed by another <c>key=</c> means libpq's form, whichever comes first. A single <c>key=value</c> is libpq's when
/// the key is a libpq key, else Npgsql's. A libpq value containing <c>;</c> should therefore be single-quoted.
/// </remarks>
public static partial class PostgresConnectionString
{
    /// <summary>The Npgsql connection string for <paramref name="raw"/> in any form; Npgsql's own form comes back equivalent.</summary>
    public static string ToNpgsql(string raw) => Parse(raw).ConnectionString;

    public static NpgsqlConnectionStringBuilder Parse(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var text = raw.Trim();
        if (text.Length == 0) throw new ConnectionStringException("is empty");
        return Detect(text) switch
        {
            PostgresConnectionStringForm.Url => FromSettings(PostgresUrl.Split(text)),
            PostgresConnectionStringForm.KeywordValue => FromSettings(LibpqKeywordValues.Split(text)),
            _ => FromNpgsql(text),
        };
    }

    public static PostgresConnectionStringForm Detect(string raw)
    {
        var text = raw.Trim();
        if (PostgresUrl.IsUrl(text)) return PostgresConnectionStringForm.Url;
        var valueStart = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (valueStart && c is '\'' or '"')
            {
                i = SkipQuoted(text, i);
                valueStart = false;
                continue;
            }
            if (c == '=') { valueStart = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (LibpqNext().IsMatch(text.AsSpan(i))) return PostgresConnectionStringForm.KeywordValue;
                continue;
            }
            valueStart = false;
            if (c == ';' && NpgsqlNext().IsMatch(text.AsSpan(i + 1))) return PostgresConnectionStringForm.Npgsql;
        }
        var eq = text.IndexOf('=');
        return eq > 0 && PostgresKeys.IsKnown(text[..eq].Trim()) ? PostgresConnectionStringForm.KeywordValue : PostgresConnectionStringForm.Npgsql;
    }

    private static int SkipQuoted(string text, int open)
    {
        var quote = text[open];
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\' && quote == '\'') i++;
            else if (text[i] == quote) return i;
        }
        return text.Length;
    }

    [GeneratedRegex(@"^\s+[^\s=;']+\s*=", RegexOptions.CultureInvariant)]
    private static partial Regex LibpqNext();

    [GeneratedRegex(@"^\s*([A-Za-z][A-Za-z ]*=|$)", RegexOptions.CultureInvariant)]
    private static partial Regex NpgsqlNext();

    private static NpgsqlConnectionStringBuilder FromSettings(List<ConnectionSetting> settings)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        string? host = null, hostaddr = null, port = null;
        foreach (var s in settings)
        {
            switch (s.Key)
            {
                case "host": host = s.Value; break;
                case "hostaddr": hostaddr = s.Value; break;
                case "port": port = s.Value; break;
                default: PostgresKeys.Apply(builder, s); break;
            }
        }
        if (!string.IsNullOrEmpty(host) && !string.IsNullOrEmpty(hostaddr))
            throw new ConnectionStringException("has both 'host' and 'hostaddr'; Npgsql connects by one of them, so keep one");
        SetHosts(builder, string.IsNullOrEmpty(host) ? hostaddr : host, port);
        if (builder.MinPoolSize > builder.MaxPoolSize)
            throw new ConnectionStringException($"has 'pool_min_conns={builder.MinPoolSize}' above 'pool_max_conns={builder.MaxPoolSize}'");
        if (builder.ConnectionPruningInterval > builder.ConnectionIdleLifetime)
            throw new ConnectionStringException(
                $"has 'pool_health_check_period' ({builder.ConnectionPruningInterval}s) longer than 'pool_max_conn_idle_time' ({builder.ConnectionIdleLifetime}s)");
        return builder;
    }

    /// <summary>libpq's multi-host form, <c>host=a,b port=5432,5433</c>, becomes Npgsql's <c>Host=a:5432,b:5433</c>.</summary>
    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string? host, string? port)
    {
        // libpq's default when no host is given (Npgsql has none and would fail on open).
        var hosts = (string.IsNullOrEmpty(host) ? "localhost" : host).Split(',');
        var ports = string.IsNullOrEmpty(port) ? [] : port.Split(',');
        if (ports.Length <= 1)
        {
            builder.Host = string.Join(',', hosts.Select(h => h.Length == 0 ? "localhost" : h));
            if (ports.Length == 1 && ports[0].Length > 0) builder.Port = PostgresKeys.Port(ports[0]);
            return;
        }
        if (ports.Length != hosts.Length)
            throw new ConnectionStringException($"has {hosts.Length} host(s) but {ports.Length} ports; give one port, or one per host");
        builder.Host = string.Join(',', hosts.Zip(ports, (h, p) =>
        {
            var name = h.Length == 0 ? "localhost" : h.Contains(':') ? $"[{h}]" : h;
            return p.Length == 0 ? name : $"{name}:{PostgresKeys.Port(p)}";
        }));
    }

    private static NpgsqlConnectionStringBuilder FromNpgsql(string text)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            // Npgsql names the keyword, not the value; scrub the password anyway in case a message ever quotes it.
            throw new ConnectionStringException($"is not a valid Npgsql connection string: {Scrub(e.Message, text)}");
        }
    }

    private static string Scrub(string message, string text)
    {
        foreach (Match m in NpgsqlPassword().Matches(text))
        {
            var secret = m.Groups["v"].Value.Trim().Trim('\'', '"');
            if (secret.Length > 0) message = message.Replace(secret, "***", StringComparison.Ordinal);
        }
        return message;
    }

    [GeneratedRegex(@"(?i)(?:password|pwd|ssl\s*password)\s*=\s*(?<v>[^;]*)", RegexOptions.CultureInvariant)]
    private static partial Regex NpgsqlPassword();
}
