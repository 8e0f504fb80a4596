using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>
/// Dapr's actor HTTP API (<c>/v1.0/actors/...</c>) against ActorHost (Dapr.Actors.AspNetCore) under one <c>actorrt run</c>:
/// method calls with JSON bodies (the SDK's non-remoting format), actor state written by the SDK, state transactions,
/// reminders and timers, and the error codes Dapr answers bad input with.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class ActorHttpApiTests(ITestOutputHelper log)
{
    private const string Counter = "CounterActor";
    private const string Reminder = "ReminderActor";

    [Fact(Timeout = 300_000)]
    public async Task Methods_state_and_state_transactions_over_http()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("c");

        // POST, as a client may send it (the runtime always calls the app with PUT); the SDK answers with JSON.
        Assert.Equal(1, await actors.CallIntAsync(Counter, id, "Increment"));
        Assert.Equal(2, await actors.CallIntAsync(Counter, id, "Increment"));
        Assert.Equal(2, await actors.CallIntAsync(Counter, id, "Get"));
        Assert.Equal(15, await actors.CallIntAsync(Counter, id, "SlowCall", "15"));
        // GET, PUT and DELETE reach the same method.
        foreach (var verb in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            using var r = await actors.Client.SendAsync(new HttpRequestMessage(verb, ActorHttp.Path(Counter, id, "method/Get")));
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{verb} method/Get: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            Assert.Equal("2", await r.Content.ReadAsStringAsync());
        }

        // What the SDK saved under its key is readable through the state API (JSON value); a missing key is 204.
        using (var state = await actors.GetStateAsync(Counter, id, "count"))
        {
            Assert.Equal(HttpStatusCode.OK, state.StatusCode);
            Assert.Equal(2, JsonNode.Parse(await state.Content.ReadAsStringAsync())!.GetValue<int>());
        }
        using (var missing = await actors.GetStateAsync(Counter, id, "no-such-key"))
            Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);
        using (var otherActor = await actors.GetStateAsync(Counter, ActorHttp.NewId("never"), "count"))
            Assert.Equal(HttpStatusCode.NoContent, otherActor.StatusCode);

        // A transaction from the hosting app's runtime, on an actor not activated yet: its first activation reads it.
        var fresh = ActorHttp.NewId("tx");
        var upsert = new JsonArray
        {
            new JsonObject { ["operation"] = "upsert", ["request"] = new JsonObject { ["key"] = "count", ["value"] = 41 } },
            new JsonObject { ["operation"] = "upsert", ["request"] = new JsonObject { ["key"] = "extra", ["value"] = new JsonObject { ["a"] = "b" } } },
        };
        using (var tx = await actors.StateTransactionAsync(Counter, fresh, upsert))
            Assert.True(tx.StatusCode == HttpStatusCode.NoContent, $"upsert transaction: {(int)tx.StatusCode} {await tx.Content.ReadAsStringAsync()}");
        using (var extra = await actors.GetStateAsync(Counter, fresh, "extra"))
            Assert.Equal("b", JsonNode.Parse(await extra.Content.ReadAsStringAsync())!["a"]!.GetValue<string>());
        Assert.Equal(42, await actors.CallIntAsync(Counter, fresh, "Increment"));
        using (var saved = await actors.GetStateAsync(Counter, fresh, "count"))
            Assert.Equal("42", (await saved.Content.ReadAsStringAsync()).Trim());

        var delete = new JsonArray { new JsonObject { ["operation"] = "delete", ["request"] = new JsonObject { ["key"] = "extra" } } };
        using (var tx = await actors.StateTransactionAsync(Counter, fresh, delete))
            Assert.True(tx.StatusCode == HttpStatusCode.NoContent, $"delete transaction: {(int)tx.StatusCode} {await tx.Content.ReadAsStringAsync()}");
        using (var gone = await actors.GetStateAsync(Counter, fresh, "extra"))
            Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);

        // Actor state is its own namespace: the same key of another actor id is untouched.
        Assert.Equal(2, await actors.CallIntAsync(Counter, id, "Get"));
        Assert.Contains($"ACTIVATED {Counter} {id}", host.Output);
    }

    [Fact(Timeout = 300_000)]
    public async Task Reminders_and_timers_are_created_read_and_deleted_over_http()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("r");

        // The body the .NET SDK sends for RegisterReminderAsync (data is base64 of the state bytes).
        using (var put = await actors.PutReminderAsync(Reminder, id, "every", """{"dueTime":"0h0m1s0ms","period":"0h0m1s0ms","data":"ZXZlcnk="}"""))
            Assert.True(put.StatusCode == HttpStatusCode.NoContent, $"create reminder: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        using (var get = await actors.GetReminderAsync(Reminder, id, "every"))
        {
            var body = await get.Content.ReadAsStringAsync();
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"get reminder: {(int)get.StatusCode} {body}");
            var json = JsonNode.Parse(body)!;
            Assert.NotNull(json["period"]);
            Assert.NotNull(json["dueTime"]);
        }
        await WaitForLinesAsync(host, FirePattern("REMINDER", id, "every"), 2, TimeSpan.FromSeconds(20), "reminder fires");

        using (var del = await actors.DeleteReminderAsync(Reminder, id, "every"))
            Assert.True(del.StatusCode == HttpStatusCode.NoContent, $"delete reminder: {(int)del.StatusCode} {await del.Content.ReadAsStringAsync()}");
        await Task.Delay(1500); // a fire already under way may still land
        var afterDelete = Lines(host, FirePattern("REMINDER", id, "every")).Count;
        await Task.Delay(3500); // window: no fire may come after the delete (what must NOT happen)
        Assert.True(Lines(host, FirePattern("REMINDER", id, "every")).Count == afterDelete, $"the reminder fired after it was deleted.\n{host.Describe()}");
        using (var get = await actors.GetReminderAsync(Reminder, id, "every"))
        {
            var body = await get.Content.ReadAsStringAsync();
            Assert.False(get.StatusCode == HttpStatusCode.OK && body.Contains("period", StringComparison.Ordinal),
                $"a deleted reminder should not be found: {(int)get.StatusCode} {body}");
        }

        // A timer, with the body the .NET SDK sends for RegisterTimerAsync: the callback comes back on each fire.
        using (var put = await actors.PutTimerAsync(Reminder, id, "tick", """{"dueTime":"0h0m0s500ms","period":"0h0m1s0ms","callback":"OnTimer","data":"dGljaw=="}"""))
            Assert.True(put.StatusCode == HttpStatusCode.NoContent, $"create timer: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        await WaitForLinesAsync(host, FirePattern("TIMER", id, "tick"), 2, TimeSpan.FromSeconds(20), "timer fires");
        using (var del = await actors.DeleteTimerAsync(Reminder, id, "tick"))
            Assert.True(del.StatusCode == HttpStatusCode.NoContent, $"delete timer: {(int)del.StatusCode} {await del.Content.ReadAsStringAsync()}");
        await Task.Delay(1500); // a fire already under way may still land
        var ticks = Lines(host, FirePattern("TIMER", id, "tick")).Count;
        await Task.Delay(3500); // window: no fire may come after the delete (what must NOT happen)
        Assert.True(Lines(host, FirePattern("TIMER", id, "tick")).Count == ticks, $"the timer fired after it was deleted.\n{host.Describe()}");

        // Fires were recorded in actor state by the SDK (saved after each callback).
        var fires = JsonNode.Parse(await actors.CallAsync(Reminder, id, "GetFires"))!.AsArray();
        Assert.Contains(fires, f => string.Equals((f!["Name"] ?? f["name"])?.GetValue<string>(), "every", StringComparison.Ordinal));
        Assert.Contains(fires, f => string.Equals((f!["Name"] ?? f["name"])?.GetValue<string>(), "tick", StringComparison.Ordinal));
    }

    [Fact(Timeout = 300_000)]
    public async Task Bad_input_gets_dapr_error_codes()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("bad");
        await actors.CallIntAsync(Counter, id, "Increment"); // the type is placed and active

        // A method the actor does not have: the SDK answers 500, Dapr reports ERR_ACTOR_INVOKE_METHOD (500).
        using (var r = await actors.InvokeAsync(Counter, id, "NoSuchMethod"))
            await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_INVOKE_METHOD", "unknown method");
        // An exception in a method called with JSON (no remoting): also 500 ERR_ACTOR_INVOKE_METHOD.
        using (var r = await actors.InvokeAsync(Counter, id, "Fail", "\"boom\""))
            await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_INVOKE_METHOD", "method that throws");
        // The actor is still usable afterwards.
        Assert.Equal(1, await actors.CallIntAsync(Counter, id, "Get"));

        // An actor type no app hosts: the call fails (bounded) with 500 ERR_ACTOR_INVOKE_METHOD.
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        using (var r = await actors.InvokeAsync("NoSuchActorType", "1", "Foo", null, cts.Token))
            await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_INVOKE_METHOD", "unknown actor type");

        // Reminders: a body that is not JSON is 400 ERR_MALFORMED_REQUEST; a period that does not parse is
        // 500 ERR_ACTOR_REMINDER_CREATE; a type this app does not host is 403 ERR_ACTOR_REMINDER_NON_HOSTED.
        using (var r = await actors.PutReminderAsync(Reminder, id, "r", "{not json"))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "reminder body not JSON");
        using (var r = await actors.PutReminderAsync(Reminder, id, "r", """{"dueTime":"1s","period":"every now and then"}"""))
            await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_REMINDER_CREATE", "malformed reminder period");
        using (var r = await actors.PutReminderAsync(Reminder, id, "r", """{"dueTime":"1s","period":"R0/PT1S"}"""))
            await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_REMINDER_CREATE", "reminder with zero repetitions");
        using (var r = await actors.PutReminderAsync("NoSuchActorType", "1", "r", """{"dueTime":"1s"}"""))
            await StateHttp.ExpectErrorAsync(r, 403, "ERR_ACTOR_REMINDER_NON_HOSTED", "reminder on a type not hosted here");
        // Timers: malformed JSON is 400, a bad period is 500 ERR_ACTOR_TIMER_CREATE.
        using (var r = await actors.PutTimerAsync(Reminder, id, "t", "[1,"))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "timer body not JSON");
        using (var r = await actors.PutTimerAsync(Reminder, id, "t", """{"dueTime":"1s","period":"soon","callback":"OnTimer"}"""))
            await StateHttp.ExpectErrorAsync(r, 500, "ERR_ACTOR_TIMER_CREATE", "malformed timer period");
        // State transactions: a body that is not a JSON array of operations is 400 ERR_MALFORMED_REQUEST.
        using (var r = await actors.Client.PostAsync(ActorHttp.Path(Counter, id, "state"), ActorHttp.Json("{\"operation\":\"upsert\"}")))
            await StateHttp.ExpectErrorAsync(r, 400, "ERR_MALFORMED_REQUEST", "state transaction not an array");

        log.WriteLine(host.Output);
    }
}
