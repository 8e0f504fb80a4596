using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Observability;

/// <summary>
/// <c>--dashboard-port</c>: the Orleans dashboard served by the silo of <c>actorrt run</c>, loaded in headless Chromium
/// (Debian's package) like a person would, showing live activation counts and the runtime's grain types.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed partial class DashboardTests(ITestOutputHelper output)
{
    [Fact(Timeout = 600_000)]
    public async Task The_dashboard_loads_in_a_real_browser_and_shows_live_grain_counts()
    {
        var (chromium, _) = await ObservabilityTools.EnsureAsync();
        using var sandbox = new RuntimeSandbox();
        sandbox.AddInMemory("statestore");
        var port = ObservabilityTools.FreePort();
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions
        {
            ExtraArguments = ["--dashboard-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        });
        Assert.Contains($"Orleans dashboard: http://127.0.0.1:{port}/", runtime.Output, StringComparison.Ordinal);
        // Activate grains the dashboard must count: one state key grain per key.
        for (var i = 0; i < 12; i++)
        {
            using var save = await runtime.Http.PostAsync("/v1.0/state/statestore", new StringContent($$"""[{"key":"dash-{{i}}","value":{{i}}}]""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        var url = $"http://127.0.0.1:{port}/";
        var sw = Stopwatch.StartNew();
        int activations;
        string dom;
        while (true)
        {
            dom = await ChromiumAsync(chromium, "--dump-dom", url);
            var m = TotalActivations().Match(dom);
            activations = m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (activations >= 12) break;
            if (sw.Elapsed > TimeSpan.FromMinutes(3)) Assert.Fail($"the dashboard never showed >= 12 activations (last {activations}):\n{dom[..Math.Min(dom.Length, 4000)]}");
            await Task.Delay(1000);
        }
        output.WriteLine($"total activations shown: {activations}");

        var grains = await ChromiumAsync(chromium, "--dump-dom", url + "#/grains");
        Assert.Contains("StateKeyGrain", grains, StringComparison.Ordinal);

        var shot = Path.Combine(ObservabilityTools.ArtifactsFolder(), "orleans-dashboard.png");
        File.Delete(shot);
        await ChromiumAsync(chromium, "--screenshot=" + shot, url);
        Assert.True(File.Exists(shot) && new FileInfo(shot).Length > 10_000, "no screenshot at " + shot);
        output.WriteLine("screenshot: " + shot);
    }

    /// <summary>Headless Chromium, given time for the dashboard's scripts to poll its API and render.</summary>
    private static async Task<string> ChromiumAsync(string chromium, string action, string url)
    {
        var psi = new ProcessStartInfo(chromium) { RedirectStandardInput = true };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=1400,1000",
            "--virtual-time-budget=8000", "--user-data-dir=" + Directory.CreateTempSubdirectory("actorrt-chromium-").FullName, action, url,
        })
        {
            psi.ArgumentList.Add(a);
        }
        var result = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(2));
        Assert.False(result.TimedOut, "chromium timed out:\n" + result.Output);
        return result.Output;
    }

    [GeneratedRegex(@"TOTAL ACTIVATIONS.*?>\s*(\d+)\s*<", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TotalActivations();
}
