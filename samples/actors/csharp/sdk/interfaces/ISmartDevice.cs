using System.Runtime.Serialization;
using Dapr.Actors;

namespace SmartDevice.Interfaces;

/// <summary>A smoke detector: its data lives in actor state.</summary>
public interface ISmartDevice : IActor
{
    Task<string> SetDataAsync(SmartDeviceData data);
    Task<SmartDeviceData> GetDataAsync();
    /// <summary>Asks the controller to sound the alarm on every registered device.</summary>
    Task DetectSmokeAsync();
    Task SoundAlarm();
    Task ClearAlarm();
}

/// <summary>Device data. Data contract, because the SDK's actor proxy serializes arguments and results with it.</summary>
[DataContract]
public sealed class SmartDeviceData
{
    [DataMember] public string Status { get; set; } = "";
    [DataMember] public string Location { get; set; } = "";

    public override string ToString() => $"Location: {Location}, Status: {Status}";
}
