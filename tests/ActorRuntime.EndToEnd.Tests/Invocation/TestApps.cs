using System.Collections.Concurrent;
using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>
/// The target apps under <c>tests/apps</c> (EchoApp, GrpcGreeter), each built once per test run into
/// <c>&lt;test bin&gt;/test-apps/&lt;name&gt;</c> (Debug, under a lock file, like <see cref="RuntimeBinary"/>), and started by
/// <c>actorrt run ... -- dotnet &lt;dll&gt;</c>. <c>ACTORRT_TEST_APPS</c> may point at a folder that already holds
/// <c>&lt;name&gt;/&lt;name&gt;.dll</c> to skip the builds.
/// </summary>
public static class TestApps
{
    public const string EchoApp = "EchoApp";
    public const string GrpcGreeter = "GrpcGreeter";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly ConcurrentDictionary<string, string> Built = new(StringComparer.Ordinal);

    /// <summary>Full path of <c>&lt;name&gt;.dll</c>, built if needed.</summary>
    public static async Task<string> GetAsync(string name)
    {
        if (Built.TryGetValue(name, out var dll)) return dll;
        await Gate.WaitAsync();
        try
        {
            if (Built.TryGetValue(name, out dll)) return dll;
            if (Environment.GetEnvironmentVariable("ACTORRT_TEST_APPS") is { Length: > 0 } prebuilt)
            {
                dll = Path.Combine(Path.GetFullPath(prebuilt), name, name + ".dll");
                if (!File.Exists(dll)) throw new InvalidOperationException($"ACTORRT_TEST_APPS={prebuilt}: no {dll}");
            }
            else
            {
                dll = await BuildAsync(name);
            }
            Built[name] = dll;
            return dll;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The app command for <c>actorrt run ... --</c>: <c>dotnet &lt;dll&gt;</c>.</summary>
    public static async Task<IReadOnlyList<string>> CommandAsync(string name) => [DotnetHost.Path, await GetAsync(name)];

    private static Task<string> BuildAsync(string name) =>
        ProjectBuild.BuildAsync(Path.Combine("tests", "apps", name, name + ".csproj"), "Debug", Path.Combine("test-apps", name), name + ".dll", BuildTimeout);
}
