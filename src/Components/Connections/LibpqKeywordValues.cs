using System.Text;

namespace ActorRuntime.Components.Connections;

/// <summary>One <c>key=value</c> of a libpq-style connection string; <see cref="After"/> is the key before it.</summary>
internal readonly record struct ConnectionSetting(string Key, string Value, string? After);

/// <summary>
/// Splits a libpq keyword/value connection string (<c>host=localhost port=5432 password='a b\'c'</c>) as libpq does:
/// pairs separated by whitespace, optional spaces around <c>=</c>, single-quoted values for empty values or values
/// with spaces, and <c>\'</c> / <c>\\</c> escapes (a backslash escapes the next character, quoted or not).
/// </summary>
internal static class LibpqKeywordValues
{
    public static List<ConnectionSetting> Split(string text)
    {
        var settings = new List<ConnectionSetting>();
        var i = 0;
        string? previous = null;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) return settings;

            var keyStart = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '=') i++;
            var key = text[keyStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length || text[i] != '=')
                throw new ConnectionStringException(MissingEquals(key, previous));
            i++; // '='
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;

            var value = new StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length) value.Append(text[i++]);
                    else if (c == '\'') { closed = true; break; }
                    else value.Append(c);
                }
                if (!closed) throw new ConnectionStringException($"has an unterminated quoted value for '{key}' (close it with ')");
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length) value.Append(text[i++]);
                    else value.Append(c);
                }
            }
            settings.Add(new ConnectionSetting(key, value.ToString(), previous));
            previous = key;
        }
    }

    // A word without '=' right after a password is most likely the rest of a password with a space in it: never echo it.
    private static string MissingEquals(string word, string? previous) =>
        PostgresKeys.IsSecret(previous)
            ? $"has text without '=' after '{previous}' (a value with spaces must be in single quotes: {previous}='...')"
            : word.Length == 0
                ? "has '=' without a key before it"
                : $"has '{PostgresKeys.Printable(word)}' without '=' after it (write key=value pairs separated by spaces; quote values with spaces in single quotes)";
}
