using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Secrets;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// Reads Dapr resource folders (<c>--resources-path</c>) the way self-hosted daprd does: every <c>*.yaml</c>/<c>*.yml</c>
/// file directly inside each folder (not sub-folders), several documents per file separated by <c>---</c>.
/// Unlike daprd, which logs and skips a broken file, every problem here is a
/// <see cref="ComponentConfigurationException"/> naming the file, the component and the field: the process refuses
/// to start rather than run without a component the app expects.
/// </summary>
/// <remarks>
/// Decisions (checked against daprd's disk loader and component processor):
/// <list type="bullet">
/// <item>Only <c>kind: Component</c> documents become components; other kinds are returned by <see cref="LoadDocuments"/>.
/// A Component must have <c>apiVersion: dapr.io/v1alpha1</c> (daprd silently ignores other versions; we say so).</item>
/// <item>Scopes and the <c>NAMESPACE</c> filter are applied before the duplicate-name check, so two files may define the
/// same name for different apps or namespaces.</item>
/// <item><c>NAMESPACE</c> set: a component with no <c>metadata.namespace</c> takes the process namespace; one with a
/// different namespace is skipped. Not set: namespaces are ignored.</item>
/// <item>Unknown types. daprd fails the component's init ("couldn't find ...") and that failure, like any init failure,
/// is fatal unless <c>spec.ignoreErrors: true</c>, in which case daprd logs it and runs without the component. We do the
/// same: an unknown type in a Dapr category (<c>state.foo</c>) is an error, or a skipped component when ignoreErrors is
/// true. A type outside Dapr's categories (<c>foo.bar</c>) is always an error, as daprd's "incorrect type" is.</item>
/// </list>
/// </remarks>
public static class ResourceLoader
{
    public const string ComponentKind = "Component";
    public const string ComponentApiVersion = "dapr.io/v1alpha1";
    public const string NamespaceEnvVar = "NAMESPACE";
    public static readonly TimeSpan DefaultInitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The components this app uses, validated. Scopes exclude components not meant for <paramref name="appId"/>;
    /// the <c>NAMESPACE</c> environment variable filters by namespace.
    /// </summary>
    /// <param name="appDirectory">The app's directory (<c>appDirPath</c> of a run file): relative file paths in metadata
    /// (<c>secretsFile</c>) resolve against it, as daprd's working directory under <c>dapr run -f</c>; null keeps the
    /// process's working directory.</param>
    public static IReadOnlyList<ComponentDefinition> LoadComponents(IEnumerable<string> resourcePaths, string appId, ComponentTypes? types = null, string? appDirectory = null) =>
        Load(resourcePaths, appId, types: types, appDirectory: appDirectory).Components;

    /// <summary>
    /// Every component in the folders, whatever app it is scoped to: what a silo serves, since its grains act for all
    /// apps. The same validation as for one app; two components may share a name when their scopes are disjoint.
    /// </summary>
    public static IReadOnlyList<ComponentDefinition> LoadForAllApps(IEnumerable<string> resourcePaths, ComponentTypes? types = null) =>
        Load(resourcePaths, appId: null, types: types).Components;

    /// <summary>Like <see cref="LoadComponents"/>, and also says which components were left out and why.</summary>
    /// <param name="appId">The app whose scopes apply; null for every app (<see cref="LoadForAllApps"/>).</param>
    /// <param name="processNamespace">Namespace filter; defaults to the <c>NAMESPACE</c> environment variable.</param>
    /// <param name="types">The component types this process can build; the built-in ones by default.</param>
    /// <param name="resolveSecrets">Fill <c>secretKeyRef</c> entries from the secret stores loaded here
    /// (<see cref="ComponentSecretResolver"/>); false only to inspect the files as written.</param>
    /// <param name="appDirectory">See <see cref="LoadComponents"/>.</param>
    public static ResourceLoadResult Load(IEnumerable<string> resourcePaths, string? appId, string? processNamespace = null, ComponentTypes? types = null,
        bool resolveSecrets = true, string? appDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(resourcePaths);
        types ??= ComponentTypes.BuiltIn;
        processNamespace ??= Environment.GetEnvironmentVariable(NamespaceEnvVar);
        if (string.IsNullOrWhiteSpace(processNamespace)) processNamespace = null;

        var used = new List<ComponentDefinition>();
        var skipped = new List<SkippedComponent>();
        var byName = new Dictionary<string, List<ComponentDefinition>>(StringComparer.Ordinal);

        foreach (var doc in LoadDocuments(resourcePaths))
        {
            if (!doc.IsComponent) continue;
            var component = ParseComponent(doc);

            if (processNamespace is not null)
            {
                if (component.Namespace is null)
                {
                    component = Copy(component, processNamespace);
                }
                else if (!string.Equals(component.Namespace, processNamespace, StringComparison.Ordinal))
                {
                    skipped.Add(new(component.Name, doc.File, $"namespace '{component.Namespace}' is not the process namespace '{processNamespace}'"));
                    continue;
                }
            }

            if (appId is not null && !component.IsInScope(appId))
            {
                skipped.Add(new(component.Name, doc.File, $"scopes [{string.Join(", ", component.Scopes)}] do not include app '{appId}'"));
                continue;
            }

            if (!byName.TryGetValue(component.Name, out var sameName)) byName[component.Name] = sameName = [];
            if (sameName.FirstOrDefault(other => ScopesOverlap(other, component)) is { } first)
                throw new ComponentConfigurationException(doc.File, component.Name, "metadata.name",
                    $"duplicate component name: already defined in '{first.SourceFile}'");
            sameName.Add(component);

            if (!types.IsKnown(component.Type))
            {
                if (!ComponentTypes.HasKnownCategory(component.Type))
                    throw new ComponentConfigurationException(doc.File, component.Name, "spec.type",
                        $"invalid component type '{component.Type}': the part before the first dot must be one of " +
                        $"{string.Join(", ", ComponentTypes.Categories.Order())}");
                if (!component.IgnoreErrors)
                    throw new ComponentConfigurationException(doc.File, component.Name, "spec.type",
                        $"unknown component type '{component.Type}'; this runtime supports: {string.Join(", ", types.All)} " +
                        "(set spec.ignoreErrors: true to start without this component)");
                skipped.Add(new(component.Name, doc.File, $"unknown component type '{component.Type}' ignored because spec.ignoreErrors is true"));
                continue;
            }

            used.Add(AppRelativePaths.Resolve(component, appDirectory));
        }

        return new ResourceLoadResult(resolveSecrets ? [.. ComponentSecretResolver.Resolve(used, types)] : used, skipped);
    }

    // Within one app's view every pair overlaps (both are in scope); across apps, disjoint scope lists may reuse a name.
    private static bool ScopesOverlap(ComponentDefinition a, ComponentDefinition b) =>
        a.Scopes.Count == 0 || b.Scopes.Count == 0 || a.Scopes.Intersect(b.Scopes, StringComparer.Ordinal).Any();

    /// <summary>
    /// The YAML files a set of resource paths names: each directory's <c>*.yaml</c>/<c>*.yml</c> files (not recursive),
    /// sorted by name; a path may also be a single file. A missing path is an error.
    /// </summary>
    public static IReadOnlyList<string> ResourceFiles(IEnumerable<string> resourcePaths)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var raw in resourcePaths)
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var path = Path.GetFullPath(ExpandHome(raw.Trim()));
            if (Directory.Exists(path))
            {
                var inDir = Directory.EnumerateFiles(path)
                    .Where(IsYamlFile)
                    .Order(StringComparer.Ordinal);
                foreach (var f in inDir)
                    if (seen.Add(f)) files.Add(f);
            }
            else if (File.Exists(path))
            {
                if (seen.Add(path)) files.Add(path);
            }
            else
            {
                throw new ComponentConfigurationException(path, null, null, "resources path does not exist");
            }
        }
        return files;
    }

    /// <summary>Every YAML document in the resource paths, of any kind, in folder/file/document order.</summary>
    public static IReadOnlyList<ResourceDocument> LoadDocuments(IEnumerable<string> resourcePaths)
    {
        var docs = new List<ResourceDocument>();
        foreach (var file in ResourceFiles(resourcePaths)) docs.AddRange(LoadFile(file));
        return docs;
    }

    /// <summary>The documents of one file. Empty documents (comments only) are skipped.</summary>
    public static IReadOnlyList<ResourceDocument> LoadFile(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComponentConfigurationException(file, null, null, $"cannot read file: {e.Message}", e);
        }
        return ParseDocuments(text, file);
    }

    /// <summary>Parses YAML text as resource documents; <paramref name="file"/> is only used in messages.</summary>
    public static IReadOnlyList<ResourceDocument> ParseDocuments(string text, string file)
    {
        IReadOnlyList<YamlDocument> yamlDocs;
        try
        {
            yamlDocs = YamlNodes.LoadAll(text);
        }
        catch (YamlException e)
        {
            throw new ComponentConfigurationException(file, null, null,
                $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {YamlNodes.Describe(e)}", e);
        }

        var result = new List<ResourceDocument>();
        for (var i = 0; i < yamlDocs.Count; i++)
        {
            var root = yamlDocs[i].RootNode;
            if (YamlNodes.IsNull(root)) continue;
            if (root is not YamlMappingNode map)
                throw new ComponentConfigurationException(file, null, null,
                    $"document {i + 1} (line {root.Start.Line}) is not a mapping; expected 'apiVersion', 'kind', 'metadata', 'spec'");

            var kind = ScalarOrThrow(map, "kind", file, null);
            var apiVersion = ScalarOrThrow(map, "apiVersion", file, null);
            string? name = null, ns = null;
            if (Fields(file, null).Mapping(map.Child("metadata"), "metadata") is { } meta)
            {
                name = ScalarOrThrow(meta, "name", file, null, "metadata.");
                ns = ScalarOrThrow(meta, "namespace", file, name, "metadata.");
            }
            result.Add(new ResourceDocument(file, i, root.Start.Line, Trim(apiVersion), Trim(kind), Trim(name), Trim(ns), map));
        }
        return result;
    }

    /// <summary>Builds and validates a component from a <c>kind: Component</c> document (type support is not checked here).</summary>
    public static ComponentDefinition ParseComponent(ResourceDocument doc)
    {
        var file = doc.File;
        var name = doc.Name;
        if (string.IsNullOrWhiteSpace(name))
            throw new ComponentConfigurationException(file, null, "metadata.name", $"is required (component document at line {doc.Line})");
        ValidateName(file, name);

        if (!string.Equals(doc.ApiVersion, ComponentApiVersion, StringComparison.Ordinal))
            throw new ComponentConfigurationException(file, name, "apiVersion",
                doc.ApiVersion is null
                    ? $"is required and must be '{ComponentApiVersion}'"
                    : $"must be '{ComponentApiVersion}', not '{doc.ApiVersion}'");

        var specNode = doc.Root.Child("spec");
        if (YamlNodes.IsNull(specNode))
            throw new ComponentConfigurationException(file, name, "spec.type", "is required (the component has no 'spec')");
        if (specNode is not YamlMappingNode spec)
            throw new ComponentConfigurationException(file, name, "spec", "must be a mapping");

        var type = Trim(ScalarOrThrow(spec, "type", file, name, "spec."));
        if (string.IsNullOrEmpty(type))
            throw new ComponentConfigurationException(file, name, "spec.type", "is required, e.g. 'state.redis'");

        var version = Trim(ScalarOrThrow(spec, "version", file, name, "spec."));
        if (string.IsNullOrEmpty(version)) version = "v1";

        var initTimeout = DefaultInitTimeout;
        var initText = Trim(ScalarOrThrow(spec, "initTimeout", file, name, "spec."));
        if (!string.IsNullOrEmpty(initText))
        {
            if (!Durations.TryParse(initText, out initTimeout))
                throw new ComponentConfigurationException(file, name, "spec.initTimeout",
                    $"must be a duration such as '5s', '1m' or '500ms', not '{initText}'");
            if (initTimeout <= TimeSpan.Zero)
                throw new ComponentConfigurationException(file, name, "spec.initTimeout", $"must be positive, not '{initText}'");
        }

        var ignoreErrors = Fields(file, name).Bool(spec.Child("ignoreErrors"), "spec.ignoreErrors") ?? false;

        var metadata = ParseMetadata(spec.Child("metadata"), file, name);

        string? authSecretStore = null;
        var auth = doc.Root.Child("auth");
        if (auth is YamlMappingNode authMap)
            authSecretStore = Trim(ScalarOrThrow(authMap, "secretStore", file, name, "auth."));
        else if (!YamlNodes.IsNull(auth))
            throw new ComponentConfigurationException(file, name, "auth", "must be a mapping such as '{secretStore: mysecrets}'");
        if (string.IsNullOrEmpty(authSecretStore)) authSecretStore = null;

        var scopes = ParseScopes(doc.Root.Child("scopes"), file, name);

        return new ComponentDefinition
        {
            Name = name,
            Namespace = string.IsNullOrEmpty(doc.Namespace) ? null : doc.Namespace,
            Type = type,
            Version = version,
            InitTimeout = initTimeout,
            IgnoreErrors = ignoreErrors,
            Metadata = metadata,
            Scopes = scopes,
            AuthSecretStore = authSecretStore,
            SourceFile = file,
        };
    }

    private static Dictionary<string, MetadataValue> ParseMetadata(YamlNode? node, string file, string component)
    {
        var result = new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase);
        if (YamlNodes.IsNull(node)) return result;
        if (node is not YamlSequenceNode items)
            throw new ComponentConfigurationException(file, component, "spec.metadata",
                $"must be a list of '- name: ... value: ...' items (line {node!.Start.Line})");

        for (var i = 0; i < items.Children.Count; i++)
        {
            var field = $"spec.metadata[{i}]";
            if (items.Children[i] is not YamlMappingNode item)
                throw new ComponentConfigurationException(file, component, field,
                    $"must be a mapping with 'name' and 'value' or 'secretKeyRef' (line {items.Children[i].Start.Line})");

            var itemName = Trim(ScalarOrThrow(item, "name", file, component, field + "."));
            if (string.IsNullOrEmpty(itemName))
                throw new ComponentConfigurationException(file, component, field + ".name",
                    $"is required: every metadata item needs a name (line {item.Start.Line})");
            field = $"spec.metadata[{i}] ({itemName})";

            var valueNode = item.Child("value");
            var secretNode = item.Child("secretKeyRef");
            var hasValue = !YamlNodes.IsNull(valueNode);
            var hasSecret = !YamlNodes.IsNull(secretNode);
            if (hasValue && hasSecret)
                throw new ComponentConfigurationException(file, component, field,
                    "has both 'value' and 'secretKeyRef'; use one of them");

            MetadataValue value;
            if (hasSecret)
            {
                if (secretNode is not YamlMappingNode secret)
                    throw new ComponentConfigurationException(file, component, field + ".secretKeyRef",
                        "must be a mapping such as '{name: mysecret, key: password}'");
                var secretName = Trim(ScalarOrThrow(secret, "name", file, component, field + ".secretKeyRef."));
                if (string.IsNullOrEmpty(secretName))
                    throw new ComponentConfigurationException(file, component, field + ".secretKeyRef.name", "is required");
                var secretKey = Trim(ScalarOrThrow(secret, "key", file, component, field + ".secretKeyRef."));
                value = new MetadataValue(null, new SecretKeyRef(secretName, string.IsNullOrEmpty(secretKey) ? null : secretKey));
            }
            else if (valueNode is YamlMappingNode or YamlSequenceNode)
            {
                value = new MetadataValue(YamlNodes.ToJson(valueNode));
            }
            else
            {
                YamlNodes.TryGetScalar(valueNode, out var text);
                value = new MetadataValue(text ?? "");
            }

            if (!result.TryAdd(itemName, value))
                throw new ComponentConfigurationException(file, component, field, $"metadata item '{itemName}' is defined more than once");
        }
        return result;
    }

    private static List<string> ParseScopes(YamlNode? node, string file, string component)
    {
        var scopes = new List<string>();
        if (YamlNodes.IsNull(node)) return scopes;
        if (node is not YamlSequenceNode seq)
            throw new ComponentConfigurationException(file, component, "scopes", "must be a list of app ids such as '[app1, app2]'");
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (!YamlNodes.TryGetScalar(seq.Children[i], out var id))
                throw new ComponentConfigurationException(file, component, $"scopes[{i}]", "must be an app id");
            id = Trim(id);
            if (!string.IsNullOrEmpty(id)) scopes.Add(id);
        }
        return scopes;
    }

    private static void ValidateName(string file, string name)
    {
        // Same rule as daprd (a Kubernetes path segment): not "." or "..", no '/' or '%'.
        if (name is "." or ".." || name.Contains('/') || name.Contains('%'))
            throw new ComponentConfigurationException(file, name, "metadata.name", "may not be '.' or '..' nor contain '/' or '%'");
    }

    private static YamlFields Fields(string file, string? component) =>
        new((field, problem) => new ComponentConfigurationException(file, component, field, problem));

    /// <summary>A scalar field's trimmed text (null when absent), through the shared <see cref="YamlFields"/>.</summary>
    private static string? ScalarOrThrow(YamlMappingNode map, string key, string file, string? component, string prefix = "") =>
        Fields(file, component).Scalar(map.Child(key), prefix + key);

    private static string? Trim(string? s) => s?.Trim();

    private static bool IsYamlFile(string path)
    {
        var ext = Path.GetExtension(path);
        return ext.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || ext.Equals(".yml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Expands a leading <c>~</c> to the user's home directory, as the Dapr CLI does.</summary>
    public static string ExpandHome(string path)
    {
        if (path == "~") return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        return path;
    }

    private static ComponentDefinition Copy(ComponentDefinition c, string? ns) => new()
    {
        Name = c.Name,
        Namespace = ns,
        Type = c.Type,
        Version = c.Version,
        InitTimeout = c.InitTimeout,
        IgnoreErrors = c.IgnoreErrors,
        Metadata = c.Metadata,
        Scopes = c.Scopes,
        AuthSecretStore = c.AuthSecretStore,
        SourceFile = c.SourceFile,
    };
}
