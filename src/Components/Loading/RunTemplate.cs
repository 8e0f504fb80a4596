using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Loading;

/// <summary>A run template that cannot be used; the message names the file, the app and the field.</summary>
public sealed class RunTemplateException : Exception
{
    public RunTemplateException(string file, string? appId, string? field, string problem, Exception? inner = null)
        : base(Format(file, appId, field, problem), inner)
    {
        File = file;
        AppId = appId;
        Field = field;
        Problem = problem;
    }

    public string File { get; }
    public string? AppId { get; }
    public string? Field { get; }
    public string Problem { get; }

    private static string Format(string file, string? appId, string? field, string problem)
    {
        var where = new List<string> { $"run template '{file}'" };
        if (appId is not null) where.Add($"app '{appId}'");
        if (field is not null) where.Add($"field '{field}'");
        return $"{string.Join(", ", where)}: {problem}";
    }
}

/// <summary>
/// Dapr's multi-app run file (<c>dapr run -f</c>, by default <c>dapr.yaml</c>): <c>version</c>, an optional
/// <c>common</c> section shared by every app, and <c>apps</c>. Field names and precedence follow the Dapr CLI:
/// <list type="bullet">
/// <item>Paths in <c>common</c> are relative to the template's folder; <c>appDirPath</c> too; every other path of an app
/// is relative to its <c>appDirPath</c>. A leading <c>~</c> is the user's home. Paths given must exist.</item>
/// <item>Resources: the app's <c>resourcesPaths</c>/<c>resourcesPath</c>, else <c>&lt;appDirPath&gt;/.dapr/resources</c> if it
/// exists, else common <c>resourcesPaths</c>/<c>resourcesPath</c>, else the default components folder.</item>
/// <item>Config file: the app's <c>configFilePath</c>, else <c>&lt;appDirPath&gt;/.dapr/config.yaml</c> if it exists, else
/// common <c>configFilePath</c>, else the default (none unless given).</item>
/// <item>Other shared settings (<c>appProtocol</c>, <c>logLevel</c>, <c>maxBodySize</c>, ...) fall back to <c>common</c>;
/// <c>env</c> maps merge, the app's entries winning.</item>
/// <item><c>appID</c> defaults to the name of the app's folder.</item>
/// </list>
/// </summary>
public sealed class RunTemplate
{
    public const string DefaultFileName = "dapr.yaml";

    /// <summary>Full path of the template file.</summary>
    public required string FilePath { get; init; }
    /// <summary>Folder of the template file; relative paths in <c>common</c> and <c>appDirPath</c> start here.</summary>
    public required string BaseDirectory { get; init; }
    public required int Version { get; init; }
    public string? Name { get; init; }
    public required RunTemplateShared Common { get; init; }
    public required IReadOnlyList<RunTemplateApp> Apps { get; init; }

    /// <summary>
    /// Reads a template. <paramref name="fileOrDirectory"/> is the <c>-f</c> argument: a file, or a folder holding
    /// <c>dapr.yaml</c>. <paramref name="defaultResourcesPath"/> is used for apps that name no resources (normally
    /// <c>~/.actorrt/components</c>); <paramref name="defaultConfigFile"/> for apps that name no config file.
    /// </summary>
    public static RunTemplate Load(string fileOrDirectory, string? defaultResourcesPath = null, string? defaultConfigFile = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileOrDirectory);
        var path = Path.GetFullPath(ResourceLoader.ExpandHome(fileOrDirectory.Trim()));
        if (Directory.Exists(path))
        {
            var inDir = Path.Combine(path, DefaultFileName);
            if (!File.Exists(inDir))
                throw new RunTemplateException(inDir, null, null, $"no '{DefaultFileName}' in folder '{path}'");
            path = inDir;
        }
        else if (!File.Exists(path))
        {
            throw new RunTemplateException(path, null, null, "file does not exist");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunTemplateException(path, null, null, $"cannot read file: {e.Message}", e);
        }
        return Parse(text, path, defaultResourcesPath, defaultConfigFile);
    }

    /// <summary>Parses template text as if it were the file <paramref name="filePath"/> (used to resolve relative paths).</summary>
    public static RunTemplate Parse(string text, string filePath, string? defaultResourcesPath = null, string? defaultConfigFile = null)
    {
        filePath = Path.GetFullPath(filePath);
        var baseDir = Path.GetDirectoryName(filePath)!;
        var p = new Parser(filePath);

        YamlMappingNode root;
        try
        {
            var docs = YamlNodes.LoadAll(text);
            if (docs.Count == 0 || YamlNodes.IsNull(docs[0].RootNode))
                throw new RunTemplateException(filePath, null, null, "file is empty");
            if (docs.Count > 1)
                throw new RunTemplateException(filePath, null, null, "must hold a single YAML document");
            root = docs[0].RootNode as YamlMappingNode
                   ?? throw new RunTemplateException(filePath, null, null, "must be a mapping with 'version' and 'apps'");
        }
        catch (YamlException e)
        {
            throw new RunTemplateException(filePath, null, null,
                $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {YamlNodes.Describe(e)}", e);
        }

        var version = p.Int(root, "version", null, "");
        if (version is null or 0)
            throw new RunTemplateException(filePath, null, "version", "is required (use 'version: 1')");
        var name = p.String(root, "name", null, "");

        var commonNode = root.Child("common");
        YamlMappingNode? commonMap = null;
        if (commonNode is YamlMappingNode cm) commonMap = cm;
        else if (!YamlNodes.IsNull(commonNode))
            throw new RunTemplateException(filePath, null, "common", "must be a mapping");
        var common = commonMap is null ? RunTemplateShared.Empty : p.Shared(commonMap, null, "common.", baseDir);

        var appsNode = root.Child("apps");
        if (YamlNodes.IsNull(appsNode))
            throw new RunTemplateException(filePath, null, "apps", "is required: list at least one app");
        if (appsNode is not YamlSequenceNode appsSeq || appsSeq.Children.Count == 0)
            throw new RunTemplateException(filePath, null, "apps", "must be a non-empty list of apps");

        var apps = new List<RunTemplateApp>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < appsSeq.Children.Count; i++)
        {
            var prefix = $"apps[{i}].";
            if (appsSeq.Children[i] is not YamlMappingNode appMap)
                throw new RunTemplateException(filePath, null, $"apps[{i}]", "must be a mapping");

            var appIdGiven = p.String(appMap, "appID", null, prefix);
            var label = string.IsNullOrWhiteSpace(appIdGiven) ? null : appIdGiven.Trim();

            var appDirText = p.String(appMap, "appDirPath", label, prefix);
            if (string.IsNullOrWhiteSpace(appDirText))
                throw new RunTemplateException(filePath, label, prefix + "appDirPath", "is required");
            var appDir = p.ExistingPath(appDirText, baseDir, label, prefix + "appDirPath", mustBeDirectory: true);

            var appId = label ?? new DirectoryInfo(appDir).Name;
            if (appId.Contains('.'))
                throw new RunTemplateException(filePath, appId, prefix + "appID", "may not contain dots");
            if (ids.TryGetValue(appId, out var other))
                throw new RunTemplateException(filePath, appId, prefix + "appID", $"is also the id of apps[{other}]");
            ids[appId] = i;

            var own = p.Shared(appMap, appId, prefix, appDir);

            // Resources: app's own > <appDir>/.dapr/resources > common > default.
            IReadOnlyList<string> resources;
            var localResources = Path.Combine(appDir, ".dapr", "resources");
            if (own.ResourcesPaths.Count > 0) resources = own.ResourcesPaths;
            else if (Directory.Exists(localResources)) resources = [localResources];
            else if (common.ResourcesPaths.Count > 0) resources = common.ResourcesPaths;
            else resources = defaultResourcesPath is null ? [] : [Path.GetFullPath(ResourceLoader.ExpandHome(defaultResourcesPath))];

            // Config file: app's own > <appDir>/.dapr/config.yaml > common > default.
            var localConfig = Path.Combine(appDir, ".dapr", "config.yaml");
            var config = own.ConfigFilePath
                         ?? (File.Exists(localConfig) ? localConfig : null)
                         ?? common.ConfigFilePath
                         ?? (defaultConfigFile is null ? null : Path.GetFullPath(ResourceLoader.ExpandHome(defaultConfigFile)));

            var env = new Dictionary<string, string>(common.Env, StringComparer.Ordinal);
            foreach (var (k, v) in own.Env) env[k] = v;

            var command = p.Command(appMap, appId, prefix);

            apps.Add(new RunTemplateApp
            {
                AppId = appId,
                AppDirPath = appDir,
                AppPort = p.Int(appMap, "appPort", appId, prefix, min: 0, max: 65535),
                AppChannelAddress = p.String(appMap, "appChannelAddress", appId, prefix),
                DaprHttpPort = p.Int(appMap, "daprHTTPPort", appId, prefix, min: 0, max: 65535),
                DaprGrpcPort = p.Int(appMap, "daprGRPCPort", appId, prefix, min: 0, max: 65535),
                DaprInternalGrpcPort = p.Int(appMap, "daprInternalGRPCPort", appId, prefix, min: 0, max: 65535),
                MetricsPort = p.Int(appMap, "metricsPort", appId, prefix, min: 0, max: 65535),
                Command = command,
                Env = env,
                ResourcesPaths = resources,
                ConfigFilePath = config,
                AppProtocol = own.AppProtocol ?? common.AppProtocol ?? "http",
                LogLevel = own.LogLevel ?? common.LogLevel,
                MaxBodySize = own.MaxBodySize ?? common.MaxBodySize,
                ReadBufferSize = own.ReadBufferSize ?? common.ReadBufferSize,
                AppMaxConcurrency = own.AppMaxConcurrency ?? common.AppMaxConcurrency,
                EnableAppHealthCheck = own.EnableAppHealthCheck ?? common.EnableAppHealthCheck ?? false,
                AppHealthCheckPath = own.AppHealthCheckPath ?? common.AppHealthCheckPath,
                AppHealthProbeInterval = own.AppHealthProbeInterval ?? common.AppHealthProbeInterval,
                AppHealthProbeTimeout = own.AppHealthProbeTimeout ?? common.AppHealthProbeTimeout,
                AppHealthThreshold = own.AppHealthThreshold ?? common.AppHealthThreshold,
                EnableApiLogging = own.EnableApiLogging ?? common.EnableApiLogging ?? false,
                AppLogDestination = own.AppLogDestination ?? common.AppLogDestination ?? "fileAndConsole",
                DaprdLogDestination = own.DaprdLogDestination ?? common.DaprdLogDestination ?? "file",
            });
        }

        return new RunTemplate
        {
            FilePath = filePath,
            BaseDirectory = baseDir,
            Version = version.Value,
            Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            Common = common,
            Apps = apps,
        };
    }

    /// <summary>Reads fields with errors that name the template file, the app and the field.</summary>
    private sealed class Parser(string file)
    {
        private static readonly string[] LogDestinations = ["console", "file", "fileAndConsole"];
        private static readonly string[] Protocols = ["http", "grpc", "https", "grpcs", "h2c"];

        public RunTemplateException Error(string? app, string field, string problem) => new(file, app, field, problem);

        /// <summary>The shared field reader, with errors naming this template and <paramref name="app"/>.</summary>
        private YamlFields Fields(string? app) => new((field, problem) => Error(app, field, problem));

        public string? String(YamlMappingNode map, string key, string? app, string prefix) => Fields(app).Text(map.Child(key), prefix + key);

        public int? Int(YamlMappingNode map, string key, string? app, string prefix, int min = int.MinValue, int max = int.MaxValue) =>
            (int?)Fields(app).Integer(map.Child(key), prefix + key, min, max);

        public bool? Bool(YamlMappingNode map, string key, string? app, string prefix) => Fields(app).Bool(map.Child(key), prefix + key);

        public string? OneOf(YamlMappingNode map, string key, string? app, string prefix, string[] allowed, bool ignoreCase)
        {
            var text = String(map, key, app, prefix);
            if (text is null) return null;
            var cmp = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
            var match = allowed.FirstOrDefault(a => cmp.Equals(a, text));
            return match ?? throw Error(app, prefix + key, $"must be one of {string.Join(", ", allowed)}, not '{text}'");
        }

        public string ExistingPath(string text, string baseDir, string? app, string field, bool mustBeDirectory)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseDir, ResourceLoader.ExpandHome(text))));
            var exists = mustBeDirectory ? Directory.Exists(full) : Directory.Exists(full) || File.Exists(full);
            if (!exists)
                throw Error(app, field, $"path '{text}' (resolved to '{full}') does not exist");
            return full;
        }

        public IReadOnlyList<string> Command(YamlMappingNode map, string app, string prefix)
        {
            var node = map.Child("command");
            if (YamlNodes.IsNull(node)) return [];
            if (node is not YamlSequenceNode seq)
                throw Error(app, prefix + "command", "must be a list of strings such as [\"python3\", \"app.py\"]");
            var result = new List<string>();
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (!YamlNodes.TryGetScalar(seq.Children[i], out var part) || part is null)
                    throw Error(app, $"{prefix}command[{i}]", "must be a string");
                result.Add(part);
            }
            return result;
        }

        public RunTemplateShared Shared(YamlMappingNode map, string? app, string prefix, string relativeTo)
        {
            var resources = new List<string>();
            var pathsNode = map.Child("resourcesPaths");
            if (pathsNode is YamlSequenceNode seq)
            {
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    if (!YamlNodes.TryGetScalar(seq.Children[i], out var t) || string.IsNullOrWhiteSpace(t))
                        throw Error(app, $"{prefix}resourcesPaths[{i}]", "must be a path");
                    resources.Add(ExistingPath(t.Trim(), relativeTo, app, $"{prefix}resourcesPaths[{i}]", mustBeDirectory: false));
                }
            }
            else if (YamlNodes.TryGetScalar(pathsNode, out var single) && !string.IsNullOrWhiteSpace(single))
            {
                // The Dapr docs show 'resourcesPaths: .dapr/resources' as a scalar; accept comma-separated paths.
                foreach (var part in single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    resources.Add(ExistingPath(part, relativeTo, app, prefix + "resourcesPaths", mustBeDirectory: false));
            }
            else if (!YamlNodes.IsNull(pathsNode))
            {
                throw Error(app, prefix + "resourcesPaths", "must be a list of paths");
            }
            // Deprecated single 'resourcesPath' is appended, as the Dapr CLI does.
            var legacy = String(map, "resourcesPath", app, prefix);
            if (legacy is not null)
                resources.Add(ExistingPath(legacy, relativeTo, app, prefix + "resourcesPath", mustBeDirectory: false));

            var configText = String(map, "configFilePath", app, prefix);
            var config = configText is null ? null : ExistingPath(configText, relativeTo, app, prefix + "configFilePath", mustBeDirectory: false);

            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            var envNode = map.Child("env");
            if (envNode is YamlMappingNode envMap)
            {
                foreach (var (k, v) in envMap.Children)
                {
                    var key = (k as YamlScalarNode)?.Value;
                    if (string.IsNullOrWhiteSpace(key)) throw Error(app, prefix + "env", "has an entry without a name");
                    if (!YamlNodes.TryGetScalar(v, out var value))
                        throw Error(app, $"{prefix}env.{key}", "must be a single value");
                    env[key] = value ?? "";
                }
            }
            else if (!YamlNodes.IsNull(envNode))
            {
                throw Error(app, prefix + "env", "must be a mapping of NAME: value");
            }

            // Current CLI: 'maxBodySize' (e.g. "4Mi"); older templates: 'daprHTTPMaxRequestSize' in MB.
            var maxBody = String(map, "maxBodySize", app, prefix);
            var legacyMax = Int(map, "daprHTTPMaxRequestSize", app, prefix, min: 1);
            if (maxBody is null && legacyMax is not null) maxBody = legacyMax.Value + "Mi";
            var readBuffer = String(map, "readBufferSize", app, prefix);
            var legacyRead = Int(map, "daprHTTPReadBufferSize", app, prefix, min: 1);
            if (readBuffer is null && legacyRead is not null) readBuffer = legacyRead.Value + "Ki";

            return new RunTemplateShared
            {
                ResourcesPaths = resources,
                ConfigFilePath = config,
                Env = env,
                AppProtocol = OneOf(map, "appProtocol", app, prefix, Protocols, ignoreCase: true)?.ToLowerInvariant(),
                LogLevel = OneOf(map, "logLevel", app, prefix, ["debug", "info", "warn", "error", "fatal", "panic"], ignoreCase: true)?.ToLowerInvariant(),
                MaxBodySize = maxBody,
                ReadBufferSize = readBuffer,
                AppMaxConcurrency = Int(map, "appMaxConcurrency", app, prefix),
                EnableAppHealthCheck = Bool(map, "enableAppHealthCheck", app, prefix),
                AppHealthCheckPath = String(map, "appHealthCheckPath", app, prefix),
                AppHealthProbeInterval = Int(map, "appHealthProbeInterval", app, prefix, min: 0),
                AppHealthProbeTimeout = Int(map, "appHealthProbeTimeout", app, prefix, min: 0),
                AppHealthThreshold = Int(map, "appHealthThreshold", app, prefix, min: 0),
                EnableApiLogging = Bool(map, "enableApiLogging", app, prefix),
                AppLogDestination = OneOf(map, "appLogDestination", app, prefix, LogDestinations, ignoreCase: false),
                DaprdLogDestination = OneOf(map, "daprdLogDestination", app, prefix, LogDestinations, ignoreCase: false),
            };
        }
    }
}

/// <summary>Settings that may appear in <c>common</c> and in each app (the app's value wins). Paths are absolute.</summary>
public sealed class RunTemplateShared
{
    public static readonly RunTemplateShared Empty = new();

    /// <summary><c>resourcesPaths</c> followed by the deprecated <c>resourcesPath</c>.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public string? ConfigFilePath { get; init; }
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public string? AppProtocol { get; init; }
    public string? LogLevel { get; init; }
    /// <summary><c>maxBodySize</c> (e.g. <c>4Mi</c>), or the legacy <c>daprHTTPMaxRequestSize</c> (MB) as <c>&lt;n&gt;Mi</c>.</summary>
    public string? MaxBodySize { get; init; }
    public string? ReadBufferSize { get; init; }
    public int? AppMaxConcurrency { get; init; }
    public bool? EnableAppHealthCheck { get; init; }
    public string? AppHealthCheckPath { get; init; }
    public int? AppHealthProbeInterval { get; init; }
    public int? AppHealthProbeTimeout { get; init; }
    public int? AppHealthThreshold { get; init; }
    public bool? EnableApiLogging { get; init; }
    public string? AppLogDestination { get; init; }
    public string? DaprdLogDestination { get; init; }
}

/// <summary>One app of a run template, with <c>common</c> merged in and every path absolute.</summary>
public sealed class RunTemplateApp
{
    public required string AppId { get; init; }
    public required string AppDirPath { get; init; }
    public int? AppPort { get; init; }
    public string? AppChannelAddress { get; init; }
    public int? DaprHttpPort { get; init; }
    public int? DaprGrpcPort { get; init; }
    public int? DaprInternalGrpcPort { get; init; }
    public int? MetricsPort { get; init; }
    /// <summary>The app's command line (empty: run the sidecar only).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>Environment for the app: common <c>env</c> overlaid with the app's.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public string? ConfigFilePath { get; init; }
    public string AppProtocol { get; init; } = "http";
    public string? LogLevel { get; init; }
    public string? MaxBodySize { get; init; }
    public string? ReadBufferSize { get; init; }
    public int? AppMaxConcurrency { get; init; }
    public bool EnableAppHealthCheck { get; init; }
    public string? AppHealthCheckPath { get; init; }
    public int? AppHealthProbeInterval { get; init; }
    public int? AppHealthProbeTimeout { get; init; }
    public int? AppHealthThreshold { get; init; }
    public bool EnableApiLogging { get; init; }
    public string AppLogDestination { get; init; } = "fileAndConsole";
    public string DaprdLogDestination { get; init; } = "file";
}
