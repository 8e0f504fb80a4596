using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace ActorTestApps;

/// <summary>
/// Methods and reminders that are slow or fail on purpose, for the Resiliency tests (targets.actors). Registered under
/// several type names (<see cref="TypeNames"/>) so each can get its own policy. Every invocation is counted per
/// <c>type/id</c> (reminders per <c>type/id/name</c>) in this process, readable through any id with
/// <see cref="IResilientActor.CallsOf"/>, because the id under test may sit behind an open circuit breaker.
/// </summary>
public sealed class ResilientActor(ActorHost host) : TracedActor(host), IResilientActor, IRemindable
{
    public static readonly string[] TypeNames = ["ResilientActor", "ResilientRetry", "ResilientById", "ResilientByType"];

    private static readonly ConcurrentDictionary<string, int> Calls = new(StringComparer.Ordinal);

    private string Key => $"{Host.ActorTypeInfo.ActorTypeName}/{Id.GetId()}";

    public async Task<int> Sleep(int ms)
    {
        Calls.AddOrUpdate(Key, 1, (_, n) => n + 1);
        await Task.Delay(ms);
        return ms;
    }

    public Task<int> FailFirst(int failures)
    {
        var attempt = Calls.AddOrUpdate(Key, 1, (_, n) => n + 1);
        return attempt <= failures ? throw new InvalidOperationException($"attempt {attempt} fails on purpose") : Task.FromResult(attempt);
    }

    public Task<int> CallsOf(string key) => Task.FromResult(Calls.GetValueOrDefault(key));

    /// <summary>A reminder named <c>fail-N</c> fails its first N deliveries; <c>slow-MS</c> takes MS milliseconds.</summary>
    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        var key = $"{Key}/{reminderName}";
        var attempt = Calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        HostInfo.Print($"RESILIENT-REMINDER {Id.GetId()} {reminderName} {attempt} {HostInfo.Now()}");
        var dash = reminderName.IndexOf('-');
        var n = dash > 0 && int.TryParse(reminderName[(dash + 1)..], out var v) ? v : 0;
        if (reminderName.StartsWith("fail", StringComparison.Ordinal) && attempt <= n)
            throw new InvalidOperationException($"reminder attempt {attempt} fails on purpose");
        if (reminderName.StartsWith("slow", StringComparison.Ordinal)) await Task.Delay(n);
    }
}

public interface IResilientActor : IActor
{
    /// <summary>Waits <paramref name="ms"/> milliseconds, then returns it.</summary>
    Task<int> Sleep(int ms);

    /// <summary>Throws on the first <paramref name="failures"/> calls to this type/id; then returns the attempt number.</summary>
    Task<int> FailFirst(int failures);

    /// <summary>How many Sleep/FailFirst calls (or reminder deliveries) reached <c>type/id[/reminder]</c> in this process.</summary>
    Task<int> CallsOf(string key);
}
