using Dapr.Actors;

namespace SmartDevice.Interfaces;

/// <summary>Keeps the list of devices and sounds or clears the alarm on all of them.</summary>
public interface IController : IActor
{
    Task RegisterDeviceIdsAsync(string[] deviceIds);
    Task<string[]> ListRegisteredDeviceIdsAsync();
    /// <summary>Sounds the alarm everywhere, then registers a reminder that clears it 15 s later.</summary>
    Task TriggerAlarmForAllDetectors();
}
