using System.Globalization;
using ActorRuntime.Components.Loading;

namespace ActorRuntime.Cli.Commands;

/// <summary>Turns a Dapr multi-app run file (<c>dapr.yaml</c>) into per-app run options.</summary>
internal static class RunFile
{
    public static IReadOnlyList<RunOptions> Load(string path) => Load(path, out _);

    /// <summary>
    /// Loads the run file; <paramref name="filePath"/> is its absolute path (a folder resolves to its dapr.yaml). Each app
    /// is bound over <paramref name="settings"/> (<c>appsettings.json</c>/environment), its own fields winning.
    /// </summary>
    public static IReadOnlyList<RunOptions> Load(string path, out string filePath, IConfiguration? settings = null)
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
        // Environment names are case-sensitive and configuration keys are not, so env is set beside the binding.
        return [.. template.Apps.Select((a, i) => RunOptionsBinder.Bind(settings, ToSource(file, i, a)) with
        {
            Environment = a.Env,
            RunFilePath = file,
        })];
    }

    /// <summary>One app of the template as configuration entries, with problems worded as the template's own errors.</summary>
    private static RunSettingSource ToSource(string file, int index, RunTemplateApp a)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Set(string key, object? value)
        {
            if (value is not null) values[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        Set(nameof(RunOptions.AppId), a.AppId);
        Set(nameof(RunOptions.AppPort), a.AppPort);
        Set(nameof(RunOptions.AppProtocol), a.AppProtocol);
        Set(nameof(RunOptions.AppChannelAddress), a.AppChannelAddress);
        Set(nameof(RunOptions.HttpPort), a.DaprHttpPort);
        Set(nameof(RunOptions.GrpcPort), a.DaprGrpcPort);
        Set(nameof(RunOptions.ConfigFile), a.ConfigFilePath);
        Set(nameof(RunOptions.LogLevel), a.LogLevel);
        Set(nameof(RunOptions.MetricsPort), a.MetricsPort);
        Set(nameof(RunOptions.MaxRequestBodyMegabytes), Megabytes(a.MaxBodySize));
        Set(nameof(RunOptions.AppMaxConcurrency), a.AppMaxConcurrency);
        if (a.EnableAppHealthCheck) Set(nameof(RunOptions.AppHealthCheck), "true"); // false is the template's default, not a choice
        Set(nameof(RunOptions.AppHealthCheckPath), a.AppHealthCheckPath);
        Set(nameof(RunOptions.AppHealthProbeIntervalSeconds), a.AppHealthProbeInterval);
        Set(nameof(RunOptions.AppHealthProbeTimeoutMilliseconds), a.AppHealthProbeTimeout);
        Set(nameof(RunOptions.AppHealthThreshold), a.AppHealthThreshold);
        Set(nameof(RunOptions.InternalPort), a.DaprInternalGrpcPort);
        Set(nameof(RunOptions.WorkingDirectory), a.AppDirPath);
        Set(nameof(RunOptions.AppLogDestination), a.AppLogDestination);
        Set(nameof(RunOptions.DaprdLogDestination), a.DaprdLogDestination);
        foreach (var (k, v) in RunSettingSource.List(nameof(RunOptions.ResourcesPaths), a.ResourcesPaths)) values[k] = v;
        foreach (var (k, v) in RunSettingSource.List(nameof(RunOptions.Command), a.Command)) values[k] = v;
        return new RunSettingSource(values, (s, problem) => new RunTemplateException(file, a.AppId, $"apps[{index}].{s.RunFileField}", problem).Message);
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
