using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>
/// The actor API over gRPC (<c>dapr.proto.runtime.v1.Dapr</c>, the raw stub of Dapr.Client): InvokeActor,
/// GetActorState, ExecuteActorStateTransaction, Register/UnregisterActorReminder and Register/UnregisterActorTimer,
/// against the .NET SDK's actor host.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class ActorGrpcApiTests(ITestOutputHelper log)
{
    [Fact(Timeout = 300_000)]
    public async Task Methods_state_reminders_and_timers_over_grpc()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox);
        var dapr = new Runtime.Dapr.DaprClient(host.GrpcChannel);
        var id = ActorHttp.NewId("g");

        var first = await dapr.InvokeActorAsync(new Runtime.InvokeActorRequest { ActorType = "CounterActor", ActorId = id, Method = "Increment" });
        var second = await dapr.InvokeActorAsync(new Runtime.InvokeActorRequest { ActorType = "CounterActor", ActorId = id, Method = "Increment" });
        Assert.Equal(("1", "2"), (first.Data.ToStringUtf8(), second.Data.ToStringUtf8()));

        // State written in one transaction is read back; a delete in the next transaction removes it.
        await dapr.ExecuteActorStateTransactionAsync(new Runtime.ExecuteActorStateTransactionRequest
        {
            ActorType = "CounterActor",
            ActorId = id,
            Operations =
            {
                new Runtime.TransactionalActorStateOperation { OperationType = "upsert", Key = "grpc-a", Value = new Google.Protobuf.WellKnownTypes.Any { Value = ByteString.CopyFromUtf8("\"va\"") } },
                new Runtime.TransactionalActorStateOperation { OperationType = "upsert", Key = "grpc-b", Value = new Google.Protobuf.WellKnownTypes.Any { Value = ByteString.CopyFromUtf8("42") } },
            },
        });
        var a = await dapr.GetActorStateAsync(new Runtime.GetActorStateRequest { ActorType = "CounterActor", ActorId = id, Key = "grpc-a" });
        Assert.Equal("\"va\"", a.Data.ToStringUtf8());
        await dapr.ExecuteActorStateTransactionAsync(new Runtime.ExecuteActorStateTransactionRequest
        {
            ActorType = "CounterActor", ActorId = id,
            Operations = { new Runtime.TransactionalActorStateOperation { OperationType = "delete", Key = "grpc-a" } },
        });
        Assert.True((await dapr.GetActorStateAsync(new Runtime.GetActorStateRequest { ActorType = "CounterActor", ActorId = id, Key = "grpc-a" })).Data.IsEmpty);
        // The key layout is Dapr's: the HTTP API sees the same value.
        using (var r = await host.Http.GetAsync(ActorHttp.Path("CounterActor", id, "state/grpc-b")))
            Assert.Equal("42", await r.Content.ReadAsStringAsync());

        // A reminder every second, three times (ISO repetitions), then it stops; the timer fires until unregistered.
        var rid = ActorHttp.NewId("gr");
        await dapr.RegisterActorReminderAsync(new Runtime.RegisterActorReminderRequest
        {
            ActorType = "ReminderActor", ActorId = rid, Name = "g", DueTime = "0s", Period = "R3/PT1S",
        });
        await WaitForLinesAsync(host, FirePattern("REMINDER", rid, "g"), 3, TimeSpan.FromSeconds(30), "three gRPC reminder fires");
        await Task.Delay(2500); // window: no fourth fire may come (what must NOT happen)
        Assert.Equal(3, Lines(host, FirePattern("REMINDER", rid, "g")).Count);
        await dapr.UnregisterActorReminderAsync(new Runtime.UnregisterActorReminderRequest { ActorType = "ReminderActor", ActorId = rid, Name = "g" });

        await dapr.RegisterActorTimerAsync(new Runtime.RegisterActorTimerRequest
        {
            ActorType = "ReminderActor", ActorId = rid, Name = "gt", DueTime = "0s", Period = "1s", Callback = "OnTimer",
        });
        await WaitForLinesAsync(host, $@"TIMER {Regex.Escape(rid)} ", 2, TimeSpan.FromSeconds(30), "two gRPC timer fires");
        await dapr.UnregisterActorTimerAsync(new Runtime.UnregisterActorTimerRequest { ActorType = "ReminderActor", ActorId = rid, Name = "gt" });
        var timerFires = Regex.Matches(host.Output, $@"TIMER {Regex.Escape(rid)} ").Count;
        Assert.True(timerFires >= 2, $"expected the gRPC timer to fire, saw {timerFires}\n{host.Describe()}");
        await Task.Delay(2500); // window: no fire may come after the unregister (what must NOT happen)
        Assert.Equal(timerFires, Regex.Matches(host.Output, $@"TIMER {Regex.Escape(rid)} ").Count);

        // Bad input keeps Dapr's codes over gRPC too.
        var bad = await Assert.ThrowsAsync<RpcException>(() => dapr.RegisterActorReminderAsync(new Runtime.RegisterActorReminderRequest
        {
            ActorType = "ReminderActor", ActorId = rid, Name = "bad", Period = "R0/PT1S",
        }).ResponseAsync);
        log.WriteLine($"bad period: {bad.StatusCode} {bad.Status.Detail}");
        Assert.Equal(StatusCode.Internal, bad.StatusCode); // ERR_ACTOR_REMINDER_CREATE is 500 over HTTP, Internal over gRPC
        Assert.Contains("error creating actor reminder", bad.Status.Detail);
    }
}
