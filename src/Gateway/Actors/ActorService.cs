using System.Text.Json;
using ActorRuntime.Components;
using ActorRuntime.Components.Actors;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Actors;
using ActorRuntime.Grains.NativeActors;
using ActorRuntime.Grains.State;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// The caller's side of Dapr's actor API, shared by HTTP and gRPC: method calls, timers and reminders go to the
/// actor's grain; actor state goes to the actor state store under Dapr's key layout <c>{appId}||{type}||{id}||{key}</c>,
/// so data written by daprd reads back here and the reverse. Method calls to an actor type that is a C# grain
/// (<see cref="DaprActorAttribute"/>, in any silo of the cluster) go to that grain instead.
/// </summary>
public sealed class ActorService(IGrainFactory grains, ComponentRegistry components, LocalAppInstance local, TimeProvider time, IOptions<GatewayOptions> options,
    ActorCallPolicies policies, State.StatePolicies statePolicies, IClusterManifestProvider? manifests = null)
{
    private readonly string _appId = options.Value.AppId;
    private readonly NativeActorTypes? _native = manifests is null ? null : new NativeActorTypes(manifests);

    /// <summary>A method call under this app's resiliency for the actor type (<see cref="ActorCallPolicies"/>).</summary>
    public Task<ActorAnswer> InvokeAsync(string type, string id, ActorCall call, CancellationToken ct = default)
    {
        if (_native?.Contains(type) == true)
            return policies.InvokeNativeAsync(type, id, c => NativeActorTypes.Grain(grains, type, id).InvokeJson(call.Method, call.Body).WaitAsync(c), ct);
        // Only a timer or reminder fire may carry the callback mark: a caller cannot borrow the hosting side's policy.
        if (call.Headers.Any(h => h.Key.Equals(ActorHttpMessages.CallbackHeader, StringComparison.OrdinalIgnoreCase)))
            call = call with { Headers = [.. call.Headers.Where(h => !h.Key.Equals(ActorHttpMessages.CallbackHeader, StringComparison.OrdinalIgnoreCase))] };
        var actor = Actor(type, id);
        return policies.InvokeAsync(type, id, _ => actor.Invoke(call), ct);
    }

    /// <summary>The app's answer as the caller should see it: 2xx and actor-exception answers pass; others become Dapr's error.</summary>
    public static DaprError? ErrorOf(ActorAnswer answer)
    {
        if (answer.Failure is { } f) return new DaprError(f.ErrorCode, f.Message, f.HttpStatus, f.HttpStatus == 400 ? global::Grpc.Core.StatusCode.InvalidArgument : global::Grpc.Core.StatusCode.Internal);
        if (answer.Status is >= 200 and < 300 || IsActorException(answer)) return null;
        var body = System.Text.Encoding.UTF8.GetString(answer.Body);
        return DaprErrors.ActorInvoke($"error from actor service: ({answer.Status}) {body}");
    }

    /// <summary>The .NET SDK marks an exception thrown by an actor method with this header; its answer passes through.</summary>
    public static bool IsActorException(ActorAnswer answer) =>
        answer.Headers.Any(h => h.Key.Equals("X-DaprErrorResponseHeader", StringComparison.OrdinalIgnoreCase));

    public async Task<StateEntry?> GetStateAsync(string type, string id, string key, CancellationToken ct)
    {
        var (instance, stored) = StateKey(type, id, key);
        try { return await statePolicies.ReadAsync(components.ActorStateStoreName!, c => grains.KeyGrain(instance, stored).Get(c), ct); }
        catch (Exception ex) when (ex is not OperationCanceledException and not DaprApiException) { throw DaprErrors.ActorStateGet(ex.Message).ToException(); }
    }

    public async Task ExecuteStateTransactionAsync(string type, string id, IReadOnlyList<ActorStateOperation> operations, CancellationToken ct)
    {
        if (!local.HostsActorType(type)) throw DaprErrors.ActorInstanceMissing(type, id).ToException();
        var ops = new List<StateTransactionOperation>(operations.Count);
        string? instance = null;
        foreach (var op in operations)
        {
            var (inst, stored) = StateKey(type, id, op.Key);
            instance = inst;
            ops.Add(op.IsDelete
                ? new StateTransactionOperation(stored, null, new StateDeleteCommand(null, false))
                : new StateTransactionOperation(stored, new StateWriteCommand(op.Value ?? [], null, false, op.Ttl, null), null));
        }
        if (instance is null) return;
        StateOutcome outcome;
        // Actor state writes carry no ETag: the actor's turn orders them, so a retried transaction is safe.
        var grain = grains.GetGrain<IStateStoreGrain>(instance);
        try { outcome = await statePolicies.WriteAsync(components.ActorStateStoreName!, conditional: false, c => grain.ExecuteTransaction(ops, c), ct); }
        catch (Exception ex) when (ex is not OperationCanceledException) { throw DaprErrors.ActorStateTransaction(ex.Message).ToException(); }
        if (outcome.Status != StateOutcomeStatus.Ok) throw DaprErrors.ActorStateTransaction(outcome.Message ?? outcome.Status.ToString()).ToException();
    }

    public async Task RegisterReminderAsync(string type, string id, string name, ActorTimerBody body)
    {
        if (!local.HostsActorType(type)) throw DaprErrors.ActorReminderNonHosted().ToException();
        var request = Schedule(name, body, DaprErrors.ActorReminderCreate);
        try { await Actor(type, id).RegisterReminder(request); }
        catch (Exception ex) when (ex is not DaprApiException) { throw DaprErrors.ActorReminderCreate(ex.Message).ToException(); }
    }

    public async Task<ActorScheduleRequest?> GetReminderAsync(string type, string id, string name)
    {
        if (!local.HostsActorType(type)) throw DaprErrors.ActorReminderNonHosted().ToException();
        try { return await Actor(type, id).GetReminder(name); }
        catch (Exception ex) when (ex is not DaprApiException) { throw DaprErrors.ActorReminderGet(ex.Message).ToException(); }
    }

    public async Task UnregisterReminderAsync(string type, string id, string name)
    {
        if (!local.HostsActorType(type)) throw DaprErrors.ActorReminderNonHosted().ToException();
        try { await Actor(type, id).UnregisterReminder(name); }
        catch (Exception ex) when (ex is not DaprApiException) { throw DaprErrors.ActorReminderDelete(ex.Message).ToException(); }
    }

    public async Task RegisterTimerAsync(string type, string id, string name, ActorTimerBody body)
    {
        var request = Schedule(name, body, DaprErrors.ActorTimerCreate);
        try { await Actor(type, id).RegisterTimer(request); }
        catch (Exception ex) when (ex is not DaprApiException) { throw DaprErrors.ActorTimerCreate(ex.Message).ToException(); }
    }

    public async Task UnregisterTimerAsync(string type, string id, string name)
    {
        try { await Actor(type, id).UnregisterTimer(name); }
        catch (Exception ex) when (ex is not DaprApiException) { throw DaprErrors.ActorTimerDelete(ex.Message).ToException(); }
    }

    private ActorScheduleRequest Schedule(string name, ActorTimerBody body, Func<string, DaprError> error)
    {
        ActorSchedule s;
        try { s = ActorScheduleParser.Parse(body.DueTime, body.Period, body.Ttl, time.GetUtcNow()); }
        catch (FormatException ex) { throw error(ex.Message).ToException(); }
        return new ActorScheduleRequest(name, body.DueTime, body.Period, body.Ttl, body.DataJson, body.Callback, s.DueTime, s.Period, s.Repetitions, s.ExpiresAt);
    }

    private IActorGrain Actor(string type, string id) => grains.GetGrain<IActorGrain>(ActorGrainKeys.For(type, id));

    private (string Instance, string StoredKey) StateKey(string type, string id, string key)
    {
        var store = components.ActorStateStoreName;
        if (store is null || !components.TryGetDefinition(store, out var definition)) throw DaprErrors.ActorRuntimeNotFound().ToException();
        return (definition.InstanceId, $"{_appId}||{type}||{id}||{key}");
    }
}

/// <summary>One operation of an actor state transaction.</summary>
public sealed record ActorStateOperation(bool IsDelete, string Key, byte[]? Value, TimeSpan? Ttl);

/// <summary>The body of a timer or reminder registration, with <c>data</c> kept as raw JSON.</summary>
public sealed record ActorTimerBody(string? DueTime, string? Period, string? Ttl, string? DataJson, string? Callback)
{
    public static ActorTimerBody Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return new(null, null, null, null, null);
        using var doc = JsonDocument.Parse(json.ToArray());
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the body must be a JSON object");
        string? Text(string name) => doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var data = doc.RootElement.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d.GetRawText() : null;
        return new(Text("dueTime"), Text("period"), Text("ttl"), data, Text("callback"));
    }
}
