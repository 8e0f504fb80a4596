using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Bench.Targets;

/// <summary>
/// The floor under the gateway: a Kestrel server in this process with the gateway's routes and the same answers,
/// but no work behind them. HTTP: <c>POST /v1.0/state/{store}</c> → 204 (body not parsed), <c>GET
/// /v1.0/state/{store}/{key}</c> → 200 with the key's payload. gRPC: <c>SaveState</c> → Empty, <c>GetState</c> → the
/// payload. Kestrel is configured as the gateway's (HTTP/1.1 on one port, h2c on another, slim builder).
/// </summary>
internal sealed class KestrelBaseline : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelBaseline(WebApplication app, int httpPort, int grpcPort)
    {
        _app = app;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
    }

    public int HttpPort { get; }
    public int GrpcPort { get; }

    public static async Task<KestrelBaseline> StartAsync(Payloads payloads)
    {
        var httpPort = FreePort();
        var grpcPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-bench-kestrel" });
        builder.Logging.ClearProviders();
        var byKey = Enumerable.Range(0, payloads.Count).ToFrozenDictionary(i => payloads.Keys[i], i => payloads.Values[i], StringComparer.Ordinal);
        builder.Services.AddSingleton(new BaselinePayloads(byKey));
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, httpPort, l => l.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapPost("/v1.0/state/{storeName}", static (HttpContext http, string storeName) =>
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        app.MapGet("/v1.0/state/{storeName}/{**key}", static (HttpContext http, string storeName, string key, BaselinePayloads p) =>
        {
            if (!p.ByKey.TryGetValue(key, out var value))
            {
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = value.Length;
            return http.Response.Body.WriteAsync(value).AsTask();
        });
        app.MapGrpcService<BaselineDaprService>();
        await app.StartAsync();
        return new KestrelBaseline(app, httpPort, grpcPort);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>Built once: gRPC services are created per call.</summary>
internal sealed class BaselinePayloads(FrozenDictionary<string, byte[]> byKey)
{
    public FrozenDictionary<string, byte[]> ByKey { get; } = byKey;
    public FrozenDictionary<string, ByteString> ProtoByKey { get; } =
        byKey.ToFrozenDictionary(p => p.Key, p => ByteString.CopyFrom(p.Value), StringComparer.Ordinal);
}

/// <summary>
/// <c>dapr.proto.runtime.v1.Dapr</c> with only SaveState and GetState, answering at once. Dapr.Protos has no server
/// base class, so the two methods are bound by hand; Grpc.AspNetCore finds the handlers by name on this type.
/// </summary>
[BindServiceMethod(typeof(BaselineDaprService), nameof(BindService))]
internal class BaselineDaprService
{
    private const string Service = "dapr.proto.runtime.v1.Dapr";
    private readonly FrozenDictionary<string, ByteString> _values;

    public BaselineDaprService(BaselinePayloads payloads) => _values = payloads.ProtoByKey;

    public static void BindService(ServiceBinderBase binder, BaselineDaprService? service)
    {
        binder.AddMethod(Unary("SaveState", DaprGrpc.SaveStateRequest.Parser, Empty.Parser), service is null ? null! : service.SaveState);
        binder.AddMethod(Unary("GetState", DaprGrpc.GetStateRequest.Parser, DaprGrpc.GetStateResponse.Parser), service is null ? null! : service.GetState);
    }

    public virtual Task<Empty> SaveState(DaprGrpc.SaveStateRequest request, ServerCallContext context) => Task.FromResult(new Empty());

    public virtual Task<DaprGrpc.GetStateResponse> GetState(DaprGrpc.GetStateRequest request, ServerCallContext context)
    {
        var response = new DaprGrpc.GetStateResponse();
        if (_values.TryGetValue(request.Key, out var value))
        {
            response.Data = value;
            response.Etag = "1";
        }
        return Task.FromResult(response);
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, Service, name,
            Marshallers.Create(r => r.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
}
