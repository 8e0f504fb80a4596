using System.Globalization;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>
/// Reminders and timers with every time format Dapr accepts (Go durations, ISO 8601 durations, <c>R&lt;n&gt;/</c>
/// repetitions, RFC3339 due times, ttl), registered by ReminderActor, which passes the strings to the runtime as-is.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class ReminderTimerTests(ITestOutputHelper log)
{
    private static readonly TimeSpan FireWait = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 300_000)]
    public async Task Reminders_fire_with_go_and_iso_periods_repetitions_rfc3339_due_times_and_ttl()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);
        var (go, iso, rep, at, ttl) = (ActorHttp.NewId("go"), ActorHttp.NewId("iso"), ActorHttp.NewId("rep"), ActorHttp.NewId("at"), ActorHttp.NewId("ttl"));
        var now = ActorHttp.NewId("now");

        var due = DateTime.UtcNow.AddSeconds(4);
        due = new DateTime(due.Ticks - due.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1); // whole seconds
        await actors.RegisterReminderViaActorAsync(go, "go", "1s", "1s");
        await actors.RegisterReminderViaActorAsync(iso, "iso", "PT1S", "PT1S");
        await actors.RegisterReminderViaActorAsync(rep, "rep", "0s", "R3/PT1S");
        await actors.RegisterReminderViaActorAsync(at, "at", due.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), null);
        await actors.RegisterReminderViaActorAsync(ttl, "ttl", "0s", "1s", "3s");
        await actors.RegisterReminderViaActorAsync(now, "now", "0s", null);
        var registered = DateTime.UtcNow;

        // A one-shot reminder due at once (dueTime "0s", no period) fires once.
        await WaitForLinesAsync(host, FirePattern("REMINDER", now, "now"), 1, FireWait, "one-shot reminder due at once");

        // Go duration and ISO 8601 periods: repeated fires about a second apart.
        foreach (var (id, name) in new[] { (go, "go"), (iso, "iso") })
        {
            var fires = await WaitForLinesAsync(host, FirePattern("REMINDER", id, name), 4, FireWait, $"'{name}' reminder");
            var times = fires.Select(FireTime).ToList();
            var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
            log.WriteLine($"{name}: gaps {string.Join(", ", gaps.Select(g => g.ToString("0", CultureInfo.InvariantCulture)))} ms");
            Assert.True(gaps.Average() is > 500 and < 2500, $"'{name}' fires should be about 1 s apart: {string.Join(", ", gaps)}");
            Assert.True(times[0] - registered > TimeSpan.FromMilliseconds(-200), $"'{name}' fired before it was registered");
        }

        // R3/PT1S: exactly three fires, then none.
        await WaitForLinesAsync(host, FirePattern("REMINDER", rep, "rep"), 3, FireWait, "R3/PT1S reminder");
        await Task.Delay(4000); // window: no fourth fire may come (what must NOT happen)
        Assert.True(Lines(host, FirePattern("REMINDER", rep, "rep")).Count == 3, $"R3/PT1S should fire exactly 3 times.\n{host.Describe()}");

        // An RFC3339 due time and no period: one fire, not before that time.
        var atFires = await WaitForLinesAsync(host, FirePattern("REMINDER", at, "at"), 1, FireWait, "RFC3339 due time");
        Assert.True(FireTime(atFires[0]) >= due.AddMilliseconds(-500), $"fired at {FireTime(atFires[0]):O}, due {due:O}");
        await Task.Delay(2500); // window: a one-shot reminder must NOT fire again
        Assert.Single(Lines(host, FirePattern("REMINDER", at, "at")));
        Assert.Single(Lines(host, FirePattern("REMINDER", now, "now")));

        // ttl 3s with a 1 s period: a few fires, then it expires.
        await WaitForLinesAsync(host, FirePattern("REMINDER", ttl, "ttl"), 1, FireWait, "ttl reminder");
        var ttlEnd = registered + TimeSpan.FromSeconds(3);
        var wait = ttlEnd + TimeSpan.FromSeconds(2) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait); // until the ttl has passed (with a margin): a point in time, not a condition
        var ttlCount = Lines(host, FirePattern("REMINDER", ttl, "ttl")).Count;
        await Task.Delay(4000); // window: no fire may come after the ttl (what must NOT happen)
        var ttlFires = Lines(host, FirePattern("REMINDER", ttl, "ttl"));
        Assert.True(ttlFires.Count == ttlCount, $"the reminder kept firing after its ttl.\n{host.Describe()}");
        Assert.True(ttlFires.Count <= 5, $"ttl 3s with period 1s fired {ttlFires.Count} times");

        // Each fire was recorded in actor state by ReceiveReminderAsync.
        Assert.Equal(3, System.Text.Json.Nodes.JsonNode.Parse(await actors.CallAsync("ReminderActor", rep, "GetFires"))!.AsArray().Count);
    }

    [Fact(Timeout = 300_000)]
    public async Task Sdk_registered_reminders_and_timers_fire_and_stop_when_unregistered()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("sdk");

        // RegisterReminderAsync / RegisterTimerAsync: the SDK's own bodies ("0h0m1s0ms", base64 data, callback).
        var spec = new System.Text.Json.Nodes.JsonObject { ["Name"] = "sdkrem", ["DueTime"] = "00:00:01", ["Period"] = "00:00:01" };
        await actors.CallAsync("ReminderActor", id, "RegisterReminderViaSdk", spec.ToJsonString());
        await actors.RegisterTimerViaActorAsync(id, "sdktimer", "00:00:01", "00:00:01", viaSdk: true);
        await WaitForLinesAsync(host, FirePattern("REMINDER", id, "sdkrem"), 2, FireWait, "SDK reminder");
        await WaitForLinesAsync(host, FirePattern("TIMER", id, "sdktimer"), 2, FireWait, "SDK timer (callback OnTimer, data = its name)");

        await actors.CallAsync("ReminderActor", id, "UnregisterReminder", "\"sdkrem\"");
        await actors.CallAsync("ReminderActor", id, "UnregisterTimer", "\"sdktimer\"");
        await Task.Delay(1500); // a fire already under way may still land
        var (r, t) = (Lines(host, FirePattern("REMINDER", id, "sdkrem")).Count, Lines(host, FirePattern("TIMER", id, "sdktimer")).Count);
        await Task.Delay(4000); // window: no fire may come after the unregister (what must NOT happen)
        Assert.True(Lines(host, FirePattern("REMINDER", id, "sdkrem")).Count == r, $"reminder fired after UnregisterReminderAsync.\n{host.Describe()}");
        Assert.True(Lines(host, FirePattern("TIMER", id, "sdktimer")).Count == t, $"timer fired after UnregisterTimerAsync.\n{host.Describe()}");
    }

    [Fact(Timeout = 300_000)]
    public async Task Timers_accept_go_iso_and_repetition_periods()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("timers");

        await actors.RegisterTimerViaActorAsync(id, "tgo", "1s", "1s");
        await actors.RegisterTimerViaActorAsync(id, "tiso", "PT1S", "PT1S");
        await actors.RegisterTimerViaActorAsync(id, "trep", "0s", "R2/PT1S");
        await actors.RegisterTimerViaActorAsync(id, "tttl", "0s", "1s", "2s");
        await WaitForLinesAsync(host, FirePattern("TIMER", id, "tgo"), 3, FireWait, "Go-duration timer");
        await WaitForLinesAsync(host, FirePattern("TIMER", id, "tiso"), 3, FireWait, "ISO timer");
        await WaitForLinesAsync(host, FirePattern("TIMER", id, "trep"), 2, FireWait, "R2/PT1S timer");
        await Task.Delay(3000); // window: no third fire may come (what must NOT happen)
        Assert.True(Lines(host, FirePattern("TIMER", id, "trep")).Count == 2, $"R2/PT1S timer should fire exactly twice.\n{host.Describe()}");
        var ttlCount = Lines(host, FirePattern("TIMER", id, "tttl")).Count;
        await Task.Delay(3000); // window: no fire may come after the 2 s ttl (what must NOT happen)
        Assert.True(Lines(host, FirePattern("TIMER", id, "tttl")).Count == ttlCount, $"the timer kept firing after its ttl.\n{host.Describe()}");
        Assert.InRange(ttlCount, 1, 4);
    }

    [Fact(Timeout = 400_000)]
    public async Task A_reminder_survives_a_full_restart()
    {
        using var sandbox = new RuntimeSandbox();
        var id = ActorHttp.NewId("durable");
        await using (var first = await StartHostAsync(sandbox, cluster: "default"))
        {
            await new ActorHttp(first.Http).RegisterReminderViaActorAsync(id, "durable", "1s", "1s");
            await WaitForLinesAsync(first, FirePattern("REMINDER", id, "durable"), 2, FireWait, "reminder before the restart");
            var code = await first.StopAsync(TimeSpan.FromSeconds(30));
            log.WriteLine($"first run stopped with {code?.ToString(CultureInfo.InvariantCulture) ?? "SIGKILL"}");
        }

        // Same ACTORRT_HOME (same default SQLite actor state store), new processes: the reminder comes back by itself.
        await using var second = await StartHostAsync(sandbox, cluster: "default");
        await WaitForLinesAsync(second, FirePattern("REMINDER", id, "durable"), 2, TimeSpan.FromSeconds(60), "reminder after the restart");
        // Its fires were recorded in actor state across both runs.
        var fires = System.Text.Json.Nodes.JsonNode.Parse(await new ActorHttp(second.Http).CallAsync("ReminderActor", id, "GetFires"))!.AsArray();
        Assert.True(fires.Count >= 4, $"expected the fires of both runs in actor state, got {fires.Count}");
    }
}
