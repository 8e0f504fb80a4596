using System.Globalization;

namespace ActorRuntime.Components.Model;

/// <summary>
/// Typed, validated access to a component's metadata. Every failure names the file, the component and the field,
/// so a mistake in YAML is found without reading code.
/// </summary>
public sealed class ComponentMetadata(ComponentDefinition component)
{
    public ComponentDefinition Component { get; } = component;

    public string? GetString(string name)
    {
        if (!Component.Metadata.TryGetValue(name, out var v)) return null;
        if (v.SecretKeyRef is not null && v.Value is null)
            throw Error(name, $"references secret '{v.SecretKeyRef.Name}' but no secret store resolved it");
        return v.Value;
    }

    public string GetRequiredString(string name)
    {
        var value = GetString(name);
        if (string.IsNullOrWhiteSpace(value)) throw Error(name, "is required");
        return value;
    }

    public bool GetBool(string name, bool defaultValue)
    {
        var s = GetString(name);
        if (string.IsNullOrWhiteSpace(s)) return defaultValue;
        return s.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "y" or "on" => true,
            "false" or "0" or "no" or "n" or "off" => false,
            _ => throw Error(name, $"must be true or false, not '{s}'"),
        };
    }

    public int GetInt(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = GetString(name);
        if (string.IsNullOrWhiteSpace(s)) return defaultValue;
        if (!int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw Error(name, $"must be an integer, not '{s}'");
        if (v < min || v > max) throw Error(name, $"must be between {min} and {max}, not {v}");
        return v;
    }

    /// <summary>Go-style (<c>10s</c>, <c>1m30s</c>, <c>500ms</c>) or plain seconds.</summary>
    public TimeSpan? GetDuration(string name)
    {
        var s = GetString(name);
        if (string.IsNullOrWhiteSpace(s)) return null;
        if (Durations.TryParse(s, out var d)) return d;
        throw Error(name, $"must be a duration such as '10s' or '1m', not '{s}'");
    }

    public ComponentConfigurationException Error(string field, string problem) =>
        new(Component.SourceFile, Component.Name, field, Component.RedactSecrets(problem));
}
