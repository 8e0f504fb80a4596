using Dapr.Actors;
using Dapr.Actors.Runtime;
using SmartDevice.Interfaces;

namespace SmartDevice;

/// <summary>Knows every device; sounds the alarm on all of them and clears it later with a reminder.</summary>
internal sealed class ControllerActor(ActorHost host) : Actor(host), IController, IRemindable
{
    public const string SingletonId = "controller";
    private const string DeviceIdsKey = "device_ids";
    private const string ClearAlarmReminder = "AlarmRefreshReminder";

    public async Task RegisterDeviceIdsAsync(string[] deviceIds) => await StateManager.SetStateAsync(DeviceIdsKey, deviceIds);

    public async Task<string[]> ListRegisteredDeviceIdsAsync() =>
        (await StateManager.TryGetStateAsync<string[]>(DeviceIdsKey)) is { HasValue: true } ids ? ids.Value : [];

    public async Task TriggerAlarmForAllDetectors()
    {
        foreach (var device in await ListRegisteredDeviceIdsAsync())
            await Device(device).SoundAlarm();

        // A reminder (persisted by the runtime) clears every alarm after 15 s, then every 15 s.
        await RegisterReminderAsync(ClearAlarmReminder, null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName != ClearAlarmReminder) return;
        foreach (var device in await ListRegisteredDeviceIdsAsync())
            await Device(device).ClearAlarm();
        Console.WriteLine($"Reminder {reminderName}: alarms cleared");
    }

    private ISmartDevice Device(string id) => ProxyFactory.CreateActorProxy<ISmartDevice>(new ActorId(id), nameof(SmokeDetectorActor));
}
