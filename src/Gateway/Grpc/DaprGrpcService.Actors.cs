using ActorRuntime.Gateway.Actors;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Grains.Actors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindActorMethods(ServiceBinderBase binder, DaprGrpcService? s)
    {
        binder.AddMethod(Unary("InvokeActor", Runtime.InvokeActorRequest.Parser, Runtime.InvokeActorResponse.Parser), s is null ? null! : s.InvokeActor);
        binder.AddMethod(Unary("GetActorState", Runtime.GetActorStateRequest.Parser, Runtime.GetActorStateResponse.Parser), s is null ? null! : s.GetActorState);
        binder.AddMethod(Unary("ExecuteActorStateTransaction", Runtime.ExecuteActorStateTransactionRequest.Parser, Empty.Parser), s is null ? null! : s.ExecuteActorStateTransaction);
        binder.AddMethod(Unary("RegisterActorReminder", Runtime.RegisterActorReminderRequest.Parser, Empty.Parser), s is null ? null! : s.RegisterActorReminder);
        binder.AddMethod(Unary("UnregisterActorReminder", Runtime.UnregisterActorReminderRequest.Parser, Empty.Parser), s is null ? null! : s.UnregisterActorReminder);
        binder.AddMethod(Unary("RegisterActorTimer", Runtime.RegisterActorTimerRequest.Parser, Empty.Parser), s is null ? null! : s.RegisterActorTimer);
        binder.AddMethod(Unary("UnregisterActorTimer", Runtime.UnregisterActorTimerRequest.Parser, Empty.Parser), s is null ? null! : s.UnregisterActorTimer);
    }

    public virtual async Task<Runtime.InvokeActorResponse> InvokeActor(Runtime.InvokeActorRequest request, ServerCallContext context)
    {
        var headers = request.Metadata.Select(m => new KeyValuePair<string, string>(m.Key, m.Value)).ToList();
        var answer = await actors.InvokeAsync(request.ActorType, request.ActorId, new ActorCall(request.Method, request.Data.ToByteArray(), null, headers));
        if (ActorService.ErrorOf(answer) is { } error) throw error.ToException();
        if (ActorService.IsActorException(answer))
            throw DaprErrors.ActorInvoke("error from actor service: " + System.Text.Encoding.UTF8.GetString(answer.Body)).ToException();
        return new Runtime.InvokeActorResponse { Data = ByteString.CopyFrom(answer.Body) };
    }

    public virtual async Task<Runtime.GetActorStateResponse> GetActorState(Runtime.GetActorStateRequest request, ServerCallContext context)
    {
        var entry = await actors.GetStateAsync(request.ActorType, request.ActorId, request.Key, context.CancellationToken);
        var response = new Runtime.GetActorStateResponse { Data = entry is null ? ByteString.Empty : ByteString.CopyFrom(entry.Value) };
        if (entry?.ExpiresAt is { } exp) response.Metadata["ttlExpireTime"] = exp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        return response;
    }

    public virtual async Task<Empty> ExecuteActorStateTransaction(Runtime.ExecuteActorStateTransactionRequest request, ServerCallContext context)
    {
        var ops = request.Operations.Select(o => o.OperationType switch
        {
            "upsert" => new ActorStateOperation(false, o.Key, o.Value?.Value.ToByteArray() ?? [], TtlOf(o.Metadata)),
            "delete" => new ActorStateOperation(true, o.Key, null, null),
            _ => throw DaprErrors.OperationNotSupported(o.OperationType).ToException(),
        }).ToList();
        await actors.ExecuteStateTransactionAsync(request.ActorType, request.ActorId, ops, context.CancellationToken);
        return new Empty();
    }

    public virtual async Task<Empty> RegisterActorReminder(Runtime.RegisterActorReminderRequest request, ServerCallContext context)
    {
        await actors.RegisterReminderAsync(request.ActorType, request.ActorId, request.Name,
            new ActorTimerBody(request.DueTime, request.Period, request.Ttl, DataJson(request.Data), null));
        return new Empty();
    }

    public virtual async Task<Empty> UnregisterActorReminder(Runtime.UnregisterActorReminderRequest request, ServerCallContext context)
    {
        await actors.UnregisterReminderAsync(request.ActorType, request.ActorId, request.Name);
        return new Empty();
    }

    public virtual async Task<Empty> RegisterActorTimer(Runtime.RegisterActorTimerRequest request, ServerCallContext context)
    {
        await actors.RegisterTimerAsync(request.ActorType, request.ActorId, request.Name,
            new ActorTimerBody(request.DueTime, request.Period, request.Ttl, DataJson(request.Data), request.Callback));
        return new Empty();
    }

    public virtual async Task<Empty> UnregisterActorTimer(Runtime.UnregisterActorTimerRequest request, ServerCallContext context)
    {
        await actors.UnregisterTimerAsync(request.ActorType, request.ActorId, request.Name);
        return new Empty();
    }

    /// <summary>gRPC gives reminder data as bytes; callbacks carry it as JSON, a base64 string (as daprd marshals bytes).</summary>
    private static string? DataJson(ByteString data) =>
        data.IsEmpty ? null : System.Text.Json.JsonSerializer.Serialize(data.ToBase64());

    private static TimeSpan? TtlOf(Google.Protobuf.Collections.MapField<string, string> metadata) =>
        metadata.TryGetValue("ttlInSeconds", out var s) && int.TryParse(s, out var n) ? TimeSpan.FromSeconds(n) : null;
}
