using System.Text;
using System.Text.Json;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings.LocalStorage;

/// <summary>
/// <c>bindings.localstorage</c>: files under <c>rootPath</c>. <c>create</c> writes the request's data to <c>fileName</c>
/// (a new UUID when absent) and answers <c>{"fileName": ...}</c>; a JSON string is written as its text, and base64
/// text as the bytes it encodes (Dapr's rule for binary files). <c>get</c> answers the file's bytes, <c>list</c> a JSON
/// array of the files under the root (or under <c>fileName</c>), <c>delete</c> removes a file. A name that would leave
/// <c>rootPath</c> is refused (see <see cref="LocalStoragePaths"/>).
/// </summary>
public sealed class LocalStorageBinding : IOutputBinding
{
    private readonly string _configuredRoot;
    private readonly LocalStoragePaths _paths;
    private readonly string _rootField;
    private readonly ComponentMetadata _metadata;

    public LocalStorageBinding(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        _metadata = definition.GetMetadata();
        _rootField = "rootPath";
        _configuredRoot = _metadata.GetRequiredString(_rootField);
        try { _paths = new LocalStoragePaths(_configuredRoot); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw _metadata.Error(_rootField, $"is not a valid path: {e.Message}");
        }
    }

    public string Name { get; }
    public string Type { get; }
    public IReadOnlyList<string> Operations { get; } = ["create", "get", "list", "delete"];
    public IReadOnlyList<string> Capabilities => OutputBindingCapabilities.OutputOnly;

    public Task InitAsync(CancellationToken cancellationToken)
    {
        try { _paths.CreateRoot(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw _metadata.Error(_rootField, $"unable to create directory specified by 'rootPath': {_configuredRoot} ({e.Message})");
        }
        return Task.CompletedTask;
    }

    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        var fileName = request.Metadata.TryGetValue("fileName", out var f) && f.Length > 0 ? f : null;
        switch (request.Operation)
        {
            case "create":
                return await CreateAsync(fileName ?? Guid.NewGuid().ToString(), request.Data, cancellationToken).ConfigureAwait(false);
            case "get":
                var path = _paths.Resolve(Required(fileName));
                try { return Answer(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)); }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw NotFound(fileName!); }
                catch (UnauthorizedAccessException) when (Directory.Exists(path)) { throw new BindingOperationException($"'{fileName}' is a directory, not a file"); }
            case "delete":
                var target = _paths.Resolve(Required(fileName));
                if (!File.Exists(target)) throw Directory.Exists(target) ? new BindingOperationException($"'{fileName}' is a directory, not a file") : NotFound(fileName!);
                File.Delete(target);
                return BindingResponse.Empty;
            case "list":
                return List(fileName ?? "");
            default:
                throw new UnsupportedBindingOperationException(Name, request.Operation, Operations);
        }
    }

    private async Task<BindingResponse> CreateAsync(string fileName, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var path = _paths.Resolve(fileName);
        if (Directory.Exists(path)) throw new BindingOperationException($"'{fileName}' is a directory, not a file");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // The folders just created may not hold a link, but a file name can be one already: check again before writing.
        _paths.Resolve(fileName);
        await File.WriteAllBytesAsync(path, Content(data), ct).ConfigureAwait(false);
        var relative = Path.GetRelativePath(_paths.Root, path);
        return Answer(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["fileName"] = relative }));
    }

    /// <summary>Dapr's rule: a JSON string is unquoted, then text that is valid base64 is decoded to the bytes it holds.</summary>
    private static byte[] Content(ReadOnlyMemory<byte> data)
    {
        var bytes = data.ToArray();
        if (bytes.Length >= 2 && bytes[0] == '"')
        {
            try { if (JsonSerializer.Deserialize<string>(bytes) is { } text) bytes = Encoding.UTF8.GetBytes(text); }
            catch (JsonException) { }
        }
        var asText = Encoding.UTF8.GetString(bytes);
        // Go's StdEncoding is strict: padding required, no whitespace (which .NET would skip).
        if (asText.Length % 4 == 0 && !asText.Any(char.IsWhiteSpace))
        {
            var decoded = new byte[asText.Length / 4 * 3];
            if (Convert.TryFromBase64String(asText, decoded, out var written)) return decoded[..written];
        }
        return bytes;
    }

    private BindingResponse List(string fileName)
    {
        var folder = _paths.Resolve(fileName);
        if (!Directory.Exists(folder))
        {
            if (File.Exists(folder)) throw new BindingOperationException($"unable to list files as the file specified is not a directory [{fileName}]");
            throw NotFound(fileName);
        }
        // Paths as Dapr lists them: the configured rootPath joined with the file's place under it.
        var files = Walk(folder)
            .Select(p => Path.Combine(_configuredRoot, Path.GetRelativePath(_paths.Root, p)))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Answer(JsonSerializer.SerializeToUtf8Bytes(files));
    }

    /// <summary>
    /// Every file below <paramref name="folder"/>, as Go's <c>filepath.Walk</c> finds them: a symbolic link is listed as an
    /// entry and never followed, so a link to a folder outside the root cannot reveal what is there.
    /// </summary>
    private static IEnumerable<string> Walk(string folder)
    {
        var pending = new Stack<string>([folder]);
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos("*", options))
            {
                if (entry is DirectoryInfo && entry.LinkTarget is null) pending.Push(entry.FullName);
                else yield return entry.FullName;
            }
        }
    }

    private static string Required(string? fileName) =>
        fileName ?? throw new BindingOperationException("required metadata not set: fileName");

    private static BindingOperationException NotFound(string fileName) => new($"file '{fileName}' does not exist under rootPath");

    private static BindingResponse Answer(byte[] data) => new(data, new Dictionary<string, string>());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
