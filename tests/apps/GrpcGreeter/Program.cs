// A plain gRPC greeter on APP_PORT (HTTP/2 cleartext), started with `actorrt run --app-protocol grpc`.
using Greet;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var port = int.Parse(Environment.GetEnvironmentVariable("APP_PORT") ?? "50051", System.Globalization.CultureInfo.InvariantCulture);
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<GreeterService>();
app.Run();

internal sealed class GreeterService : Greeter.GreeterBase
{
    private static readonly string Instance = $"{Environment.GetEnvironmentVariable("APP_ID") ?? "greeter"}:{Environment.ProcessId}";

    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        Console.WriteLine($"{Instance} SayHello {request.Name}");
        return Task.FromResult(Reply($"Hello {request.Name}", context));
    }

    public override async Task SayHellos(HelloRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        var count = request.Count > 0 ? request.Count : 3;
        Console.WriteLine($"{Instance} SayHellos {request.Name} x{count}");
        for (var i = 1; i <= count; i++)
        {
            await responseStream.WriteAsync(Reply($"Hello {request.Name} #{i}", context), context.CancellationToken);
            await Task.Delay(20, context.CancellationToken);
        }
    }

    private static HelloReply Reply(string message, ServerCallContext context)
    {
        var reply = new HelloReply { Message = message, Instance = Instance };
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.IsBinary) reply.Metadata.Add($"{entry.Key}={entry.Value}");
        }
        return reply;
    }
}
