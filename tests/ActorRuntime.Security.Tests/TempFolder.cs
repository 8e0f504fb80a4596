namespace ActorRuntime.Security.Tests;

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actorrt-security-tests", Guid.NewGuid().ToString("N"));

    public CaFiles Ca => new(System.IO.Path.Combine(Path, "ca"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
