using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>
/// Apps in separate <c>actorrt run</c> processes on one machine (one machine-local cluster per sandbox home): a
/// calling app using the .NET SDK's ActorProxy, the actors quickstart as its README runs it, and failover of an
/// actor to a second instance of its app after <c>kill -9</c>.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class ActorMultiProcessTests(ITestOutputHelper log)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);

    [Fact(Timeout = 400_000)]
    public async Task A_calling_app_reaches_actors_hosted_by_another_run_through_the_dotnet_sdk()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox, "actorhost", cluster: "default");

        var result = await RunToExitAsync(sandbox, "caller", ActorApps.Caller, ClientTimeout);
        log.WriteLine(result.Output);
        Assert.False(result.TimedOut, $"ActorCaller did not finish within {ClientTimeout}:\n{result.Output}\n{host.Describe()}");
        Assert.True(result.ExitCode == 0, $"ActorCaller failed (exit {result.ExitCode}):\n{result.Output}\n{host.Describe()}");
        Assert.Contains("ActorCaller: all checks passed", result.Output);
        Assert.Contains("served by actorhost:", result.Output);
    }

    [Fact(Timeout = 400_000)]
    public async Task The_actors_quickstart_runs_as_its_readme_says()
    {
        using var sandbox = new RuntimeSandbox();
        // actorrt run --app-id actorservice --app-port <p> -- dotnet SmartDevice.Service.dll   (README: `dotnet run`)
        await using var service = await StartHostAsync(sandbox, "actorservice", cluster: "default", app: ActorApps.QuickstartService);
        // actorrt run --app-id actorclient -- dotnet SmartDevice.Client.dll
        var result = await RunToExitAsync(sandbox, "actorclient", ActorApps.QuickstartClient, ClientTimeout);
        log.WriteLine(result.Output);
        Assert.False(result.TimedOut, $"the client did not finish within {ClientTimeout}:\n{result.Output}\n{service.Describe()}");
        Assert.True(result.ExitCode == 0, $"the client failed (exit {result.ExitCode}):\n{result.Output}\n{service.Describe()}");
        foreach (var line in new[]
        {
            "Got response: Success",
            "Device 1 state: Location: First Floor, Status: Ready",
            "Registered devices: 1, 2",
            "Device 1 state: Location: First Floor, Status: Alarm",
            "Device 2 state: Location: Second Floor, Status: Alarm",
            "Device 2 state: Location: Second Floor, Status: Ready",
        })
        {
            Assert.Contains(line, result.Output);
        }
        Assert.Contains("Reminder AlarmRefreshReminder: alarms cleared", service.Output);
    }

    [Fact(Timeout = 400_000)]
    public async Task An_actor_moves_to_the_surviving_instance_after_kill_9_with_its_state()
    {
        using var sandbox = new RuntimeSandbox();
        await using var a = await StartHostAsync(sandbox, "actorhost", cluster: "default");
        await using var b = await StartHostAsync(sandbox, "actorhost", cluster: "default");
        var runs = new[] { a, b };
        var id = ActorHttp.NewId("failover");

        var viaA = new ActorHttp(a.Http);
        for (var i = 1; i <= 3; i++) Assert.Equal(i, await viaA.CallIntAsync("CounterActor", id, "Increment"));
        var who = Unquote(await viaA.CallAsync("CounterActor", id, "WhoAmI"));
        var owner = runs.SingleOrDefault(r => r.Output.Contains($"ActorHost {who} listening", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no run printed 'ActorHost {who} listening'.\n{a.Describe()}\n{b.Describe()}");
        var survivor = owner == a ? b : a;
        log.WriteLine($"actor {id} was on {who} (actorrt pid {owner.ProcessId}); killing it");

        await owner.KillAsync(); // SIGKILL to the whole actorrt run (runtime and app)

        // The next call through the survivor is served there (bounded retries), with the state saved before the kill.
        var viaSurvivor = new ActorHttp(survivor.Http);
        var sw = Stopwatch.StartNew();
        string last = "";
        int? value = null;
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var r = await viaSurvivor.InvokeAsync("CounterActor", id, "Get", null, cts.Token);
                last = $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    value = int.Parse(await r.Content.ReadAsStringAsync(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(500);
        }
        log.WriteLine($"served again after {sw.ElapsedMilliseconds} ms (last: {last})");
        Assert.True(value is not null, $"no successful call within 30 s after the kill (last: {last}).\n{survivor.Describe()}");
        Assert.Equal(3, value);
        var newWho = Unquote(await viaSurvivor.CallAsync("CounterActor", id, "WhoAmI"));
        Assert.NotEqual(who, newWho);
        Assert.Contains($"ActorHost {newWho} listening", survivor.Output);
        Assert.Equal(4, await viaSurvivor.CallIntAsync("CounterActor", id, "Increment"));
    }

    private static string Unquote(string json) => Regex.Unescape(json.Trim().Trim('"'));
}
