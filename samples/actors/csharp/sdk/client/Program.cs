// The actor client: creates two smoke detectors, registers them with the controller, detects smoke on one and
// watches the alarm spread to both, then waits for the controller's reminder to clear it. Exits 0 when every
// state read back is the expected one.
//   actorrt run --app-id actorclient -- dotnet run
using Dapr.Actors;
using Dapr.Actors.Client;
using SmartDevice.Interfaces;

const string SmokeDetectorActorType = "SmokeDetectorActor";
const string ControllerActorType = "ControllerActor";
var failures = 0;

Console.WriteLine("Startup up...");

var device1 = await CreateDeviceAsync("1", "First Floor");
var device2 = await CreateDeviceAsync("2", "Second Floor");

var controller = ActorProxy.Create<IController>(new ActorId("controller"), ControllerActorType);
Console.WriteLine("Registering the IDs of both Devices...");
await controller.RegisterDeviceIdsAsync(["1", "2"]);
var deviceIds = await controller.ListRegisteredDeviceIdsAsync();
Console.WriteLine($"Registered devices: {string.Join(", ", deviceIds)}");
Expect(deviceIds.SequenceEqual(["1", "2"]), "registered device ids");

Console.WriteLine("Detecting smoke on Device 1...");
await device1.DetectSmokeAsync();
await PrintAndCheckAsync(device1, "1", "First Floor", "Alarm");
await PrintAndCheckAsync(device2, "2", "Second Floor", "Alarm");

var wait = int.TryParse(Environment.GetEnvironmentVariable("CLIENT_WAIT_SECONDS"), out var w) ? w : 16;
Console.WriteLine($"Sleeping for {wait} seconds before checking status again to see reminders fire and clear alarms");
await Task.Delay(TimeSpan.FromSeconds(wait));
await PrintAndCheckAsync(device1, "1", "First Floor", "Ready");
await PrintAndCheckAsync(device2, "2", "Second Floor", "Ready");

Console.WriteLine(failures == 0 ? "Done: every state was as expected" : $"Done: {failures} unexpected state(s)");
return failures == 0 ? 0 : 1;

async Task<ISmartDevice> CreateDeviceAsync(string id, string location)
{
    // The proxy is created from the shared interface; the actor is activated on its first call.
    var device = ActorProxy.Create<ISmartDevice>(new ActorId(id), SmokeDetectorActorType);
    Console.WriteLine($"Calling SetDataAsync on {SmokeDetectorActorType}:{id}...");
    var response = await device.SetDataAsync(new SmartDeviceData { Location = location, Status = "Ready" });
    Console.WriteLine($"Got response: {response}");
    Expect(response == "Success", $"SetDataAsync on device {id}");
    await PrintAndCheckAsync(device, id, location, "Ready", announce: true);
    return device;
}

async Task PrintAndCheckAsync(ISmartDevice device, string id, string location, string status, bool announce = false)
{
    if (announce) Console.WriteLine($"Calling GetDataAsync on {SmokeDetectorActorType}:{id}...");
    var data = await device.GetDataAsync();
    Console.WriteLine($"Device {id} state: {data}");
    Expect(data.Location == location && data.Status == status, $"device {id} expected {location}/{status}");
}

void Expect(bool ok, string what)
{
    if (ok) return;
    failures++;
    Console.Error.WriteLine($"UNEXPECTED: {what}");
}
