using ActorRuntime.Cli.Commands;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// Tokens and secrets given as files (<c>--dapr-api-token-file</c>, <c>DAPR_API_TOKEN_FILE</c>, ...) rather than in the
/// environment, where other processes of the user can read them. A problem names the file, never its content.
/// </summary>
internal static class SecretFiles
{
    /// <summary>
    /// The token from <paramref name="fileFlag"/>, else the file named by <c>{variable}_FILE</c>, else the variable
    /// <paramref name="variable"/> itself; null when none is set. Surrounding whitespace (a trailing newline) is dropped.
    /// </summary>
    public static string? Token(string variable, string? fileFlag, string flagName)
    {
        if (fileFlag is { Length: > 0 }) return Read(fileFlag, "--" + flagName);
        if (Environment.GetEnvironmentVariable(variable + "_FILE") is { Length: > 0 } file) return Read(file, variable + "_FILE");
        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
    }

    public static string Read(string path, string source)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{source}: cannot read {path} ({e.GetType().Name})");
        }
        return text.Length > 0 ? text : throw new UsageException($"{source}: {path} is empty");
    }
}
