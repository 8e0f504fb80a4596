namespace ActorRuntime.Cli.Commands;

/// <summary>
/// What one source (the flags, or one app of a run file) says, as configuration entries relative to
/// <see cref="RunOptions.SectionName"/> (<c>AppPort</c>, <c>ResourcesPaths:0</c>), and how to word a problem with one
/// of its values so the message names the flag or run-file field the user wrote.
/// </summary>
internal sealed record RunSettingSource(IReadOnlyDictionary<string, string?> Values, Func<RunSetting, string, string> Problem)
{
    /// <summary>Entries of the given list; <see cref="RunOptionsBinder"/> takes a list whole from the source that sets it.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> List(string key, IEnumerable<string> items) =>
        items.Select((v, i) => new KeyValuePair<string, string?>($"{key}:{i}", v));
}
