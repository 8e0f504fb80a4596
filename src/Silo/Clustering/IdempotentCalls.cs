using ActorRuntime.Grains.Actors;
using ActorRuntime.Grains.Directory;
using ActorRuntime.Grains.State;
using Orleans.Concurrency;
using Orleans.Serialization.Invocation;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Grain calls that may run twice with the same effect as once, so a call whose outcome a silo's death left unknown
/// can simply be sent again: reads (<c>[ReadOnly]</c>), state saves and deletes without an ETag or first-write,
/// directory leases, and reminder and timer bookkeeping. Actor method calls, ETag'd writes, transactions and reminder
/// firing are not: their second run could act twice or fail where the first succeeded.
/// </summary>
public static class IdempotentCalls
{
    private static readonly HashSet<string> ActorBookkeeping =
        [nameof(IActorGrain.RegisterTimer), nameof(IActorGrain.UnregisterTimer), nameof(IActorGrain.RegisterReminder),
         nameof(IActorGrain.GetReminder), nameof(IActorGrain.UnregisterReminder)];

    private static readonly HashSet<string> ReminderBookkeeping =
        [nameof(IActorRemindersGrain.Set), nameof(IActorRemindersGrain.Get), nameof(IActorRemindersGrain.Remove)];

    public static bool IsIdempotent(IInvokable request)
    {
        var method = request.GetMethod();
        if (method is not null && Attribute.IsDefined(method, typeof(ReadOnlyAttribute))) return true;
        var type = request.GetInterfaceType();
        var name = request.GetMethodName();
        if (type == typeof(IStateKeyGrain))
        {
            var argument = request.GetArgumentCount() > 0 ? request.GetArgument(0) : null;
            return name switch
            {
                nameof(IStateKeyGrain.Set) => argument is StateWriteCommand { ETag: null, FirstWrite: false },
                nameof(IStateKeyGrain.Delete) => argument is StateDeleteCommand { ETag: null, FirstWrite: false },
                nameof(IStateKeyGrain.Invalidate) => true,
                _ => false,
            };
        }
        if (type == typeof(IAppDirectoryGrain)) return true; // lease renewals, removals and reads
        if (type == typeof(IActorRemindersGrain)) return ReminderBookkeeping.Contains(name);
        if (type == typeof(IActorGrain)) return ActorBookkeeping.Contains(name);
        return false;
    }
}
