using System.Text;
using System.Text.RegularExpressions;

namespace ActorRuntime.Components.Middleware.RouterAlias;

/// <summary>
/// One alias path as Dapr writes it (gorilla/mux templates): literal segments and variables, <c>{id}</c> (one path
/// segment) or <c>{id:[0-9]+}</c> (a pattern). The whole path must match.
/// </summary>
internal sealed class RouteTemplate
{
    private readonly Regex _regex;

    private RouteTemplate(string template, Regex regex, IReadOnlyList<string> variables)
    {
        Template = template;
        _regex = regex;
        Variables = variables;
    }

    public string Template { get; }
    public IReadOnlyList<string> Variables { get; }

    /// <summary>Parses <paramref name="template"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static RouteTemplate Parse(string template)
    {
        if (!template.StartsWith('/')) throw new FormatException("must start with '/'");
        var pattern = new StringBuilder("^");
        var variables = new List<string>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { pattern.Append(Regex.Escape(template[i..])); break; }
            pattern.Append(Regex.Escape(template[i..open]));
            var close = ClosingBrace(template, open);
            var body = template[(open + 1)..close];
            var colon = body.IndexOf(':');
            var name = (colon < 0 ? body : body[..colon]).Trim();
            if (name.Length == 0) throw new FormatException($"variable at position {open} has no name");
            if (variables.Contains(name)) throw new FormatException($"variable '{name}' appears twice");
            var inner = colon < 0 ? "[^/]+" : body[(colon + 1)..];
            pattern.Append("(?<v").Append(variables.Count).Append('>').Append(inner).Append(')');
            variables.Add(name);
            i = close + 1;
        }
        pattern.Append('$');
        try
        {
            return new RouteTemplate(template, new Regex(pattern.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), variables);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"has an invalid variable pattern: {e.Message}");
        }
    }

    /// <summary>The variables' values when <paramref name="path"/> matches, else null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Match(string path)
    {
        var m = _regex.Match(path);
        if (!m.Success) return null;
        var values = new KeyValuePair<string, string>[Variables.Count];
        for (var v = 0; v < Variables.Count; v++) values[v] = new(Variables[v], m.Groups["v" + v].Value);
        return values;
    }

    // Braces may nest inside a variable's pattern ({id:[0-9]{3}}).
    private static int ClosingBrace(string template, int open)
    {
        var depth = 0;
        for (var j = open; j < template.Length; j++)
        {
            if (template[j] == '{') depth++;
            else if (template[j] == '}' && --depth == 0) return j;
        }
        throw new FormatException($"'{{' at position {open} is not closed");
    }
}
