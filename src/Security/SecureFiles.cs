namespace ActorRuntime.Security;

/// <summary>Writes key material readable by the owner only (0600 files in a 0700 folder), atomically (write then rename).</summary>
internal static class SecureFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void EnsureFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, OwnerOnly | UnixFileMode.UserExecute);
    }

    public static void Write(string path, string text)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, OwnerOnly); // an existing temp file kept its mode
        File.Move(temp, path, overwrite: true);
    }
}
