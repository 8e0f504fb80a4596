// The actor service: hosts SmokeDetectorActor and ControllerActor.
//   actorrt run --app-id actorservice --app-port 5001 --dapr-http-port 56001 -- dotnet run
// It listens on APP_PORT (set by `actorrt run` from --app-port), or 5001; `--urls` on the command line wins.
using Dapr.Actors;
using SmartDevice;

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["urls"] is null)
{
    var port = Environment.GetEnvironmentVariable("APP_PORT") is { Length: > 0 } p ? p : "5001";
    builder.WebHost.UseUrls($"http://localhost:{port}");
}

builder.Services.AddActors(options =>
{
    options.Actors.RegisterActor<ControllerActor>();
    options.Actors.RegisterActor<SmokeDetectorActor>();
    // DetectSmokeAsync on a device calls the controller, which calls back into that same device: a reentrant chain.
    options.ReentrancyConfig = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 32 };
});

var app = builder.Build();
app.MapActorsHandlers();
app.Run();
