using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// Metadata fields that name a file, which daprd opens relative to its working directory. Under <c>dapr run -f</c>
/// each daprd runs in its app's <c>appDirPath</c>; <c>actorrt run -f</c> hosts every app in one process, so such a
/// relative path is made absolute against the app's directory when the files are loaded (a plain <c>actorrt run</c>
/// keeps the process's working directory, as <c>dapr run</c> does).
/// </summary>
internal static class AppRelativePaths
{
    private static readonly Dictionary<string, string[]> FileFields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["secretstores.local.file"] = ["secretsFile"],
    };

    public static ComponentDefinition Resolve(ComponentDefinition component, string? baseDirectory)
    {
        if (baseDirectory is null || !FileFields.TryGetValue(component.Type, out var fields)) return component;
        Dictionary<string, MetadataValue>? changed = null;
        foreach (var field in fields)
        {
            if (!component.Metadata.TryGetValue(field, out var v) || v.SecretKeyRef is not null || string.IsNullOrWhiteSpace(v.Value)) continue;
            var path = ResourceLoader.ExpandHome(v.Value.Trim());
            if (Path.IsPathRooted(path)) continue;
            changed ??= new Dictionary<string, MetadataValue>(component.Metadata, StringComparer.OrdinalIgnoreCase);
            changed[field] = v with { Value = Path.GetFullPath(Path.Combine(baseDirectory, path)) };
        }
        return changed is null ? component : component.WithMetadata(changed);
    }
}
