using System.Text.RegularExpressions;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.State.Stores;

/// <summary>Table names come from YAML and are spliced into SQL, so only plain (optionally schema-qualified) names pass.</summary>
internal static partial class SqlIdentifiers
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaQualifiedName();

    /// <summary>The table name in <paramref name="field"/>, or <paramref name="defaultName"/>; <c>schema.table</c> only when allowed.</summary>
    public static string TableName(ComponentMetadata metadata, string field, string defaultName, bool allowSchema)
    {
        var name = metadata.GetString(field)?.Trim();
        if (string.IsNullOrEmpty(name)) return defaultName;
        var valid = allowSchema ? SchemaQualifiedName().IsMatch(name) : PlainName().IsMatch(name);
        if (!valid)
            throw metadata.Error(field, $"'{name}' is not a valid table name (letters, digits and '_'{(allowSchema ? ", optionally 'schema.table'" : "")})");
        return name;
    }
}
