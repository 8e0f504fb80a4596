using ActorRuntime.Gateway.State;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Common = Dapr.Client.Autogen.Grpc.v1;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindStateMethods(ServiceBinderBase binder, DaprGrpcService? s)
    {
        binder.AddMethod(Unary("GetState", Runtime.GetStateRequest.Parser, Runtime.GetStateResponse.Parser), s is null ? null! : s.GetState);
        binder.AddMethod(Unary("GetBulkState", Runtime.GetBulkStateRequest.Parser, Runtime.GetBulkStateResponse.Parser), s is null ? null! : s.GetBulkState);
        binder.AddMethod(Unary("SaveState", Runtime.SaveStateRequest.Parser, Empty.Parser), s is null ? null! : s.SaveState);
        binder.AddMethod(Unary("DeleteState", Runtime.DeleteStateRequest.Parser, Empty.Parser), s is null ? null! : s.DeleteState);
        binder.AddMethod(Unary("DeleteBulkState", Runtime.DeleteBulkStateRequest.Parser, Empty.Parser), s is null ? null! : s.DeleteBulkState);
        binder.AddMethod(Unary("ExecuteStateTransaction", Runtime.ExecuteStateTransactionRequest.Parser, Empty.Parser), s is null ? null! : s.ExecuteStateTransaction);
        binder.AddMethod(Unary("QueryStateAlpha1", Runtime.QueryStateRequest.Parser, Runtime.QueryStateResponse.Parser), s is null ? null! : s.QueryStateAlpha1);
    }

    public virtual async Task<Runtime.GetStateResponse> GetState(Runtime.GetStateRequest request, ServerCallContext context)
    {
        var strong = request.Consistency == Common.StateOptions.Types.StateConsistency.ConsistencyStrong;
        var entry = await state.GetAsync(request.StoreName, request.Key, context.CancellationToken, strong);
        var response = new Runtime.GetStateResponse();
        if (entry is null) return response;
        response.Data = UnsafeByteOperations.UnsafeWrap(entry.Value);
        response.Etag = entry.ETag;
        if (entry.ExpiresAt is { } expires) response.Metadata[StateMetadata.TtlExpireTime] = StateMetadata.FormatExpireTime(expires);
        return response;
    }

    public virtual async Task<Runtime.GetBulkStateResponse> GetBulkState(Runtime.GetBulkStateRequest request, ServerCallContext context)
    {
        var items = await state.GetBulkAsync(request.StoreName, request.Keys, request.Parallelism, context.CancellationToken);
        var response = new Runtime.GetBulkStateResponse();
        foreach (var i in items)
        {
            var item = new Runtime.BulkStateItem { Key = i.Key, Etag = i.ETag ?? "", Error = i.Error ?? "" };
            if (i.Data is not null) item.Data = UnsafeByteOperations.UnsafeWrap(i.Data);
            if (i.ExpiresAt is { } expires) item.Metadata[StateMetadata.TtlExpireTime] = StateMetadata.FormatExpireTime(expires);
            response.Items.Add(item);
        }
        return response;
    }

    public virtual async Task<Empty> SaveState(Runtime.SaveStateRequest request, ServerCallContext context)
    {
        await state.SaveAsync(request.StoreName, [.. request.States.Select(ToSaveItem)], context.CancellationToken);
        return new Empty();
    }

    public virtual async Task<Empty> DeleteState(Runtime.DeleteStateRequest request, ServerCallContext context)
    {
        var item = new DeleteStateItem(request.Key, request.Etag?.Value, IsFirstWrite(request.Options));
        await state.DeleteAsync(request.StoreName, [item], context.CancellationToken);
        return new Empty();
    }

    public virtual async Task<Empty> DeleteBulkState(Runtime.DeleteBulkStateRequest request, ServerCallContext context)
    {
        var items = request.States.Select(s => new DeleteStateItem(s.Key, s.Etag?.Value, IsFirstWrite(s.Options))).ToList();
        await state.DeleteAsync(request.StoreName, items, context.CancellationToken);
        return new Empty();
    }

    public virtual async Task<Empty> ExecuteStateTransaction(Runtime.ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var items = new List<StateTransactionItem>(request.Operations.Count);
        foreach (var op in request.Operations)
        {
            var r = op.Request ?? new Common.StateItem();
            foreach (var (k, v) in request.Metadata) r.Metadata.TryAdd(k, v);
            items.Add(op.OperationType?.ToLowerInvariant() switch
            {
                "upsert" => new StateTransactionItem(ToSaveItem(r), null),
                "delete" => new StateTransactionItem(null, new DeleteStateItem(r.Key, r.Etag?.Value, IsFirstWrite(r.Options))),
                _ => throw Errors.DaprErrors.OperationNotSupported(op.OperationType ?? "").ToException(),
            });
        }
        await state.ExecuteTransactionAsync(request.StoreName, items, context.CancellationToken);
        return new Empty();
    }

    public virtual async Task<Runtime.QueryStateResponse> QueryStateAlpha1(Runtime.QueryStateRequest request, ServerCallContext context)
    {
        var answer = await state.QueryAsync(request.StoreName, request.Query, context.CancellationToken);
        var response = new Runtime.QueryStateResponse { Token = answer.Token ?? "" };
        foreach (var r in answer.Results)
            response.Results.Add(new Runtime.QueryStateItem { Key = r.Key, Data = UnsafeByteOperations.UnsafeWrap(r.Data), Etag = r.ETag });
        return response;
    }

    private static SaveStateItem ToSaveItem(Common.StateItem s) =>
        new(s.Key, s.Value.ToByteArray(), s.Etag?.Value, IsFirstWrite(s.Options), s.Metadata);

    private static bool IsFirstWrite(Common.StateOptions? options) =>
        options?.Concurrency == Common.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
}
