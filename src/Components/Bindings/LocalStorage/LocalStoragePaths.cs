namespace ActorRuntime.Components.Bindings.LocalStorage;

/// <summary>
/// Resolves a request's <c>fileName</c> under <c>rootPath</c> and refuses any name that would leave it: an absolute
/// path, <c>..</c> segments climbing out, or a symbolic link (at any depth) pointing outside. Dapr's own component
/// silently clamps such names into the root; refusing them tells the caller their request was not what happened.
/// </summary>
internal sealed class LocalStoragePaths(string rootPath)
{
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootPath));
    // The root as the file system finally resolves it (it may itself be a link, e.g. /tmp on macOS); set once it exists.
    private string? _realRoot;

    public string Root => _root;

    /// <summary>Creates the root folder (as Dapr does at init) and notes where it really is.</summary>
    public void CreateRoot()
    {
        Directory.CreateDirectory(_root);
        _realRoot = RealPath(_root);
    }

    /// <summary>The absolute path for <paramref name="fileName"/> (empty: the root itself), or a <see cref="BindingOperationException"/>.</summary>
    public string Resolve(string fileName)
    {
        if (fileName.Contains('\0')) throw Outside(fileName);
        if (Path.IsPathRooted(fileName)) throw new BindingOperationException($"fileName '{fileName}' is an absolute path; it must be relative to rootPath");
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(_root, fileName)));
        if (!IsUnder(full, _root)) throw Outside(fileName);
        // Every existing step from the root down: a link whose final target is outside the root is an escape.
        var relative = Path.GetRelativePath(_root, full);
        if (relative == ".") return full;
        var current = _root;
        foreach (var segment in relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is null) continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is null || !(IsUnder(RealPath(target), _realRoot ?? _root) || IsUnder(target, _root))) throw Outside(fileName);
        }
        return full;
    }

    private static BindingOperationException Outside(string fileName) =>
        new($"fileName '{fileName}' resolves outside rootPath; only files under rootPath can be used");

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every link on it resolved, as far as the path exists.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var rootOfPath = Path.GetPathRoot(full)!;
        var current = rootOfPath;
        foreach (var segment in full[rootOfPath.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) current = Path.GetFullPath(target.FullName);
        }
        return Path.TrimEndingDirectorySeparator(current);
    }
}
