using System.Text;
using System.Text.Json;
using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.NativeActors;

/// <summary>
/// A dynamic proxy to a Dapr actor hosted by an app in any language (a Node, Python, Java, .NET SDK app...), for
/// C# grains and clients of the cluster: <c>GrainFactory.GetDaprActor("NodeCounterActor", "c1").InvokeAsync&lt;int&gt;("increment", 5)</c>.
/// The argument is sent as a JSON body (<c>application/json</c>), as <c>PUT /actors/{type}/{id}/method/{method}</c>
/// reaches the app, and the JSON answer is read back. Calls go to the actor's grain, with its turn lock: a call into a
/// non-reentrant actor that calls back into the caller deadlocks until one side's timeout, as in Dapr.
/// </summary>
public sealed class DaprActorProxy
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);
    private readonly IActorGrain _grain;
    private readonly JsonSerializerOptions _options;

    internal DaprActorProxy(IGrainFactory grains, string actorType, string actorId, JsonSerializerOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorType);
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        ActorType = actorType;
        ActorId = actorId;
        _grain = grains.GetGrain<IActorGrain>(ActorGrainKeys.For(actorType, actorId));
        _options = options ?? WebOptions;
    }

    public string ActorType { get; }

    public string ActorId { get; }

    /// <summary>Calls <paramref name="method"/> with <paramref name="arg"/> as JSON (none when null) and reads the JSON result.</summary>
    /// <exception cref="DaprActorException">The call failed, or the actor answered with a non-2xx status.</exception>
    public async Task<TResult?> InvokeAsync<TResult>(string method, object? arg = null, CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(method, arg, cancellationToken);
        if (body.Length == 0) return default;
        try { return JsonSerializer.Deserialize<TResult>(body, _options); }
        catch (JsonException ex)
        {
            throw new DaprActorException(ActorType, ActorId, method, JsonActorDispatcher.ErrorCode, 200,
                $"the answer of actor {ActorType}/{ActorId} method {method} is not a JSON {typeof(TResult).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Calls <paramref name="method"/> with <paramref name="arg"/> as JSON (none when null), ignoring any result.</summary>
    /// <exception cref="DaprActorException">The call failed, or the actor answered with a non-2xx status.</exception>
    public Task InvokeAsync(string method, object? arg = null, CancellationToken cancellationToken = default) =>
        SendAsync(method, arg, cancellationToken);

    /// <summary>Sends raw bytes and returns the actor's answer as it came (status, content type, body); never throws for a non-2xx status.</summary>
    public Task<ActorAnswer> InvokeRawAsync(string method, byte[] body, string? contentType = "application/json", CancellationToken cancellationToken = default) =>
        _grain.Invoke(new ActorCall(method, body, contentType, [])).WaitAsync(cancellationToken);

    private async Task<byte[]> SendAsync(string method, object? arg, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        var body = arg is null ? [] : JsonSerializer.SerializeToUtf8Bytes(arg, arg.GetType(), _options);
        var answer = await InvokeRawAsync(method, body, arg is null ? null : "application/json", cancellationToken);
        if (answer.Failure is { } f) throw new DaprActorException(ActorType, ActorId, method, f.ErrorCode, f.HttpStatus, f.Message);
        if (answer.Status is < 200 or > 299)
        {
            var text = Encoding.UTF8.GetString(answer.Body);
            throw new DaprActorException(ActorType, ActorId, method, JsonActorDispatcher.ErrorCode, answer.Status,
                $"error invoke actor method: error from actor service: ({answer.Status}) {text}");
        }
        return answer.Body;
    }
}

/// <summary>A Dapr actor call that failed: Dapr's error code (<c>ERR_ACTOR_INVOKE_METHOD</c>...) and the HTTP status.</summary>
[GenerateSerializer, Alias("actorrt.actors.DaprActorException")]
public sealed class DaprActorException : Exception
{
    public DaprActorException(string actorType, string actorId, string method, string errorCode, int status, string message, Exception? inner = null)
        : base($"{errorCode}: {message} (actor {actorType}/{actorId}, method {method}, status {status})", inner)
    {
        ActorType = actorType;
        ActorId = actorId;
        Method = method;
        ErrorCode = errorCode;
        Status = status;
    }

    [Id(0)] public string ActorType { get; }
    [Id(1)] public string ActorId { get; }
    [Id(2)] public string Method { get; }
    [Id(3)] public string ErrorCode { get; }
    [Id(4)] public int Status { get; }
}

public static class DaprActorProxyExtensions
{
    /// <summary>A proxy to the Dapr actor (<paramref name="actorType"/>, <paramref name="actorId"/>) hosted by any app of the cluster.</summary>
    public static DaprActorProxy GetDaprActor(this IGrainFactory grains, string actorType, string actorId, JsonSerializerOptions? options = null) =>
        new(grains, actorType, actorId, options);
}
