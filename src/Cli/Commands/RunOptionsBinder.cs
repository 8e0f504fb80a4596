using System.Globalization;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// The one path from settings to <see cref="RunOptions"/>: <c>appsettings.json</c>/environment (section
/// <see cref="RunOptions.SectionName"/>) overlaid with one source (flags, or one run-file app), checked, then bound with
/// <see cref="ConfigurationBinder"/>. Whatever a source leaves out keeps the default declared on <see cref="RunOptions"/>.
/// </summary>
internal static class RunOptionsBinder
{
    private static readonly string[] Protocols = ["http", "https", "grpc", "grpcs", "h2c"];

    /// <summary><c>appsettings.json</c> of the current folder and the environment, as <c>actorrt silo</c> and <c>gateway</c> read them.</summary>
    public static IConfiguration FromAppSettingsAndEnvironment() => new ConfigurationBuilder()
        .SetBasePath(Environment.CurrentDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public static RunOptions Bind(IConfiguration? settings, RunSettingSource source)
    {
        var values = Merge(settings, source.Values);
        // Only appsettings.json or the environment can hold an unknown key (sources emit known ones): name it plainly.
        var known = RunSettings.All.Select(s => s.Key).Append(nameof(RunOptions.Environment)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (values.Keys.Select(k => k.Split(':')[0]).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            throw new UsageException($"{RunOptions.SectionName}:{unknown} (appsettings.json or ActorRuntime__Run__{unknown}) is not a run setting; " +
                $"known: {string.Join(", ", known)}");
        foreach (var setting in RunSettings.All) Check(setting, values, source);
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new RunOptions { AppId = "" };
        try
        {
            section.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // A safety net: unknown keys were reported above with a plainer message.
            throw new UsageException($"{RunOptions.SectionName}: {ex.Message}");
        }
        return options with { AppProtocol = options.AppProtocol.ToLowerInvariant() };
    }

    /// <summary>The section's entries with the source's on top; a list the source sets replaces the settings' list whole.</summary>
    private static Dictionary<string, string?> Merge(IConfiguration? settings, IReadOnlyDictionary<string, string?> given)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = RunSettings.All.Where(s => s.Kind == RunSettingKind.List && given.Keys.Any(k => k.StartsWith(s.Key + ":", StringComparison.OrdinalIgnoreCase)));
        if (settings is not null)
        {
            foreach (var (key, value) in settings.GetSection(RunOptions.SectionName).AsEnumerable(makePathsRelative: true))
                if (value is not null && !lists.Any(l => key.StartsWith(l.Key + ":", StringComparison.OrdinalIgnoreCase))) values[key] = value;
        }
        foreach (var (key, value) in given) values[key] = value;
        return values;
    }

    private static void Check(RunSetting setting, Dictionary<string, string?> values, RunSettingSource source)
    {
        if (!values.TryGetValue(setting.Key, out var value) || value is null) return;
        string Fail(string problem) => source.Values.ContainsKey(setting.Key)
            ? source.Problem(setting, problem)
            : $"{RunOptions.SectionName}:{setting.Key} (appsettings.json or ActorRuntime__Run__{setting.Key}) {problem}";
        switch (setting.Kind)
        {
            case RunSettingKind.Number or RunSettingKind.Port:
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                    throw new UsageException(Fail($"must be a number, not '{value}'"));
                if (setting.Kind == RunSettingKind.Port && n is < 0 or > 65535)
                    throw new UsageException(Fail($"must be a port between 0 and 65535, not {n}"));
                if (setting.Key == nameof(RunOptions.GracefulShutdownSeconds) && n < 0)
                    throw new UsageException(Fail("must not be negative"));
                break;
            case RunSettingKind.Switch:
                values[setting.Key] = value.ToLowerInvariant() switch
                {
                    // strconv.ParseBool's spellings, as the Dapr CLI (pflag) accepts them
                    "true" or "t" or "1" or "" => "true",
                    "false" or "f" or "0" => "false",
                    _ => throw new UsageException(Fail($"must be true or false, not '{value}'")),
                };
                break;
            case RunSettingKind.Text when setting.Key == nameof(RunOptions.AppProtocol):
                if (!Protocols.Contains(value.ToLowerInvariant()))
                    throw new UsageException(Fail($"must be http, https, grpc, grpcs or h2c, not '{value}'"));
                break;
        }
    }
}
