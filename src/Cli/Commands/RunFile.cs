using System.Globalization;
using ActorRuntime.Components.Loading;

namespace ActorRuntime.Cli.Commands;

/// <summary>Turns a Dapr multi-app run file (<c>dapr.yaml</c>) into per-app run options.</summary>
internal static class RunFile
{
    public static IReadOnlyList<RunOptions> Load(string path) => Load(path, out _);

    /// <summary>Loads the run file; <paramref name="filePath"/> is its absolute path (a folder resolves to its dapr.yaml).</summary>
    public static IReadOnlyList<RunOptions> Load(string path, out string filePath)
    {
        var home = ActorRuntimeHome.Resolve();
        RunTemplate template;
        try
        {
            template = RunTemplate.Load(path, EmbeddedDefaults.EnsureDefaultComponentsIn(home));
        }
        catch (RunTemplateException ex)
        {
            throw new UsageException(ex.Message);
        }
        if (template.Apps.Count == 0) throw new UsageException($"{template.FilePath}: no apps under 'apps'");
        var file = filePath = Path.GetFullPath(template.FilePath);
        return [.. template.Apps.Select(a => new RunOptions
        {
            AppId = a.AppId,
            AppPort = a.AppPort,
            AppProtocol = a.AppProtocol,
            AppChannelAddress = a.AppChannelAddress ?? "127.0.0.1",
            HttpPort = a.DaprHttpPort,
            GrpcPort = a.DaprGrpcPort,
            ResourcesPaths = a.ResourcesPaths,
            ConfigFile = a.ConfigFilePath,
            LogLevel = a.LogLevel ?? "info",
            MetricsPort = a.MetricsPort,
            MaxRequestBodyMegabytes = Megabytes(a.MaxBodySize) ?? 4,
            AppMaxConcurrency = a.AppMaxConcurrency ?? -1,
            AppHealthCheck = a.EnableAppHealthCheck,
            AppHealthCheckPath = a.AppHealthCheckPath ?? "/healthz",
            AppHealthProbeIntervalSeconds = a.AppHealthProbeInterval ?? 5,
            AppHealthProbeTimeoutMilliseconds = a.AppHealthProbeTimeout ?? 500,
            AppHealthThreshold = a.AppHealthThreshold ?? 3,
            InternalPort = a.DaprInternalGrpcPort,
            Command = a.Command,
            WorkingDirectory = a.AppDirPath,
            Environment = a.Env,
            AppLogDestination = a.AppLogDestination,
            DaprdLogDestination = a.DaprdLogDestination,
            RunFilePath = file,
        })];
    }

    /// <summary><c>4Mi</c>, <c>10M</c>, <c>512Ki</c> or a plain number of MB, rounded up to whole megabytes.</summary>
    internal static int? Megabytes(string? size)
    {
        if (string.IsNullOrWhiteSpace(size)) return null;
        var s = size.Trim();
        var (number, factor) = s switch
        {
            _ when s.EndsWith("Mi", StringComparison.Ordinal) => (s[..^2], 1.0),
            _ when s.EndsWith("Ki", StringComparison.Ordinal) => (s[..^2], 1.0 / 1024),
            _ when s.EndsWith("Gi", StringComparison.Ordinal) => (s[..^2], 1024.0),
            _ when s.EndsWith('M') => (s[..^1], 1_000_000.0 / (1024 * 1024)),
            _ when s.EndsWith('G') => (s[..^1], 1_000_000_000.0 / (1024 * 1024)),
            _ => (s, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
            throw new UsageException($"maxBodySize '{size}' is not a size such as 4Mi");
        return (int)Math.Ceiling(n * factor);
    }
}
