using Dapr.Actors;
using Dapr.Actors.Runtime;
using SmartDevice.Interfaces;

namespace SmartDevice;

/// <summary>A smoke detector. Its <see cref="SmartDeviceData"/> is kept in actor state under "device_data".</summary>
internal sealed class SmokeDetectorActor(ActorHost host) : Actor(host), ISmartDevice
{
    private const string DeviceDataKey = "device_data";

    protected override Task OnActivateAsync()
    {
        Console.WriteLine($"Activating actor id: {Id}");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        Console.WriteLine($"Deactivating actor id: {Id}");
        return Task.CompletedTask;
    }

    public async Task<string> SetDataAsync(SmartDeviceData data)
    {
        // Saved to the actor state store when the method returns (or explicitly with StateManager.SaveStateAsync()).
        await StateManager.SetStateAsync(DeviceDataKey, data);
        return "Success";
    }

    public Task<SmartDeviceData> GetDataAsync() => StateManager.GetStateAsync<SmartDeviceData>(DeviceDataKey);

    public Task DetectSmokeAsync()
    {
        var controller = ProxyFactory.CreateActorProxy<IController>(new ActorId(ControllerActor.SingletonId), nameof(ControllerActor));
        return controller.TriggerAlarmForAllDetectors();
    }

    public Task SoundAlarm() => SetStatusAsync("Alarm");

    public Task ClearAlarm() => SetStatusAsync("Ready");

    private async Task SetStatusAsync(string status)
    {
        var data = await GetDataAsync();
        data.Status = status;
        await SetDataAsync(data);
    }
}
