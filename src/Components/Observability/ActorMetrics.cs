using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorRuntime.Components.Observability;

/// <summary>Dapr's <c>dapr_runtime_actor_*</c> metrics that mean something on Orleans (no placement table here).</summary>
public static class ActorMetrics
{
    private static readonly Counter<long> TimersFired = DaprMeter.Counter("dapr_runtime_actor_timers_fired_total", "The number of actor timers fired requests.");
    private static readonly Counter<long> RemindersFired = DaprMeter.Counter("dapr_runtime_actor_reminders_fired_total", "The number of actor reminders fired requests.");
    private static readonly Counter<long> Deactivated = DaprMeter.Counter("dapr_runtime_actor_deactivated_total", "The number of the successful actor deactivation.");

    public static void TimerFired(string appId, string actorType, bool success) =>
        TimersFired.Add(1, new TagList { { "app_id", appId }, { "actor_type", actorType }, { "success", success ? "true" : "false" } });

    public static void ReminderFired(string appId, string actorType, bool success) =>
        RemindersFired.Add(1, new TagList { { "app_id", appId }, { "actor_type", actorType }, { "success", success ? "true" : "false" } });

    public static void ActorDeactivated(string appId, string actorType) =>
        Deactivated.Add(1, new TagList { { "app_id", appId }, { "actor_type", actorType } });
}
