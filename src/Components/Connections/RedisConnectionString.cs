using System.Globalization;
using StackExchange.Redis;

namespace ActorRuntime.Components.Connections;

/// <summary>
/// A Redis connection string for the cluster's membership, grain storage and reminders (<c>--connection-string</c>):
/// a StackExchange.Redis configuration string (<c>host:port,password=...,ssl=true</c>; a plain <c>host:port</c> is one), or a
/// <c>redis://[user:password@]host[:port][/db]</c> / <c>rediss://</c> (TLS) URL with percent-escapes.
/// Errors are <see cref="ConnectionStringException"/>s that never quote the password.
/// </summary>
public static class RedisConnectionString
{
    public static ConfigurationOptions Parse(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var text = raw.Trim();
        if (text.Length == 0) throw new ConnectionStringException("is empty");
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            return FromUrl(text);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ConnectionStringException($"is not a StackExchange.Redis configuration: {Scrub(e.Message, text)}");
        }
        if (options.EndPoints.Count == 0) throw new ConnectionStringException("names no Redis host (host:port)");
        return options;
    }

    /// <summary>The same settings as a StackExchange.Redis configuration string (password included), for child processes and Orleans.</summary>
    public static string ToConfiguration(string raw) => Parse(raw).ToString(includePassword: true);

    private static ConfigurationOptions FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new ConnectionStringException("is not a valid redis:// URL (redis://[user:password@]host[:port][/db])");
        if (uri.Query.Length > 1) throw new ConnectionStringException("has URL query parameters, which are not supported; use the StackExchange.Redis form (host:port,ssl=true,...)");
        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon >= 0 ? uri.UserInfo[..colon] : uri.UserInfo);
            var password = colon >= 0 ? Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]) : null;
            // As go-redis reads it: redis://user@host is a user without a password; redis://:password@host only a password.
            if (user.Length > 0) options.User = user;
            if (!string.IsNullOrEmpty(password)) options.Password = password;
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
                throw new ConnectionStringException($"has '/{path}' where a database number belongs (redis://host:port/0)");
            options.DefaultDatabase = db;
        }
        return options;
    }

    private static string Scrub(string message, string text)
    {
        foreach (var part in text.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim().Equals("password", StringComparison.OrdinalIgnoreCase) && part[(eq + 1)..].Trim() is { Length: > 0 } secret)
                message = message.Replace(secret, "***", StringComparison.Ordinal);
        }
        return message;
    }
}
