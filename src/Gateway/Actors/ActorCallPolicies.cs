using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Grains.Actors;
using Orleans.Runtime;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// Resiliency on the caller's side of an actor call (<c>targets.actors</c>, Dapr's pre-lock policy): the retry and
/// circuit breaker of this app's policy for the actor type, around the built-in retry of calls that could not reach
/// the actor (<see cref="BuiltInRetries.Actor"/>). The timeout is not applied here but where the hosting gateway hands
/// the call to its app (<see cref="ActorAppDelivery"/>), so waiting for the actor's turn never counts against it.
/// </summary>
/// <remarks>
/// As in daprd, a method that answered with an error (a status outside 2xx, or the .NET SDK's actor-exception header)
/// is a failure that is retried and counted, and after the last attempt its answer goes back to the caller; an
/// unknown method (404) is not retried. An open breaker answers <c>ERR_ACTOR_INVOKE_METHOD</c> without calling the app.
/// </remarks>
public sealed class ActorCallPolicies(ResiliencyRegistry registry)
{
    /// <summary>Calls a Dapr actor (its app applies the timeout).</summary>
    public Task<ActorAnswer> InvokeAsync(string type, string id, Func<CancellationToken, Task<ActorAnswer>> send, CancellationToken ct) =>
        RunAsync(type, id, send, PolicyParts.PreLock, ct);

    /// <summary>Calls a C# grain actor type: no app in between, so the whole policy, timeout included, applies here.</summary>
    public Task<ActorAnswer> InvokeNativeAsync(string type, string id, Func<CancellationToken, Task<ActorAnswer>> send, CancellationToken ct) =>
        RunAsync(type, id, send, PolicyParts.All, ct);

    private async Task<ActorAnswer> RunAsync(string type, string id, Func<CancellationToken, Task<ActorAnswer>> send, PolicyParts parts, CancellationToken ct)
    {
        var builtIn = registry.ForBuiltIn(BuiltInRetries.Actor);
        Task<ActorAnswer> Reach(CancellationToken c) => builtIn.ExecuteAsync(send, null, IsUnreachable, PolicyParts.Retry, c);
        var policy = registry.ForActor(type, id);
        if (policy.IsNoOpFor(parts)) return await Reach(ct);
        try
        {
            return await policy.ExecuteAsync(Reach, Classify, static e => e is not OperationCanceledException, parts, ct);
        }
        catch (Exception e) when (e is CircuitBreakerOpenException or ResiliencyTimeoutException && !ct.IsCancellationRequested)
        {
            return Failed(e.Message);
        }
    }

    /// <summary>An answer the caller sees as Dapr's actor invoke error.</summary>
    public static ActorAnswer Failed(string detail)
    {
        var error = DaprErrors.ActorInvoke(detail);
        return new ActorAnswer(error.HttpStatus, [], null, [], new ActorFailure(error.ErrorCode, error.Message, error.HttpStatus));
    }

    /// <summary>How daprd's actor router judges an answer: 404 (no such method) is final, any other error may pass with a retry.</summary>
    public static AttemptOutcome Classify(ActorAnswer answer)
    {
        if (answer.Failure is null && answer.Status == 404) return AttemptOutcome.PermanentFailure;
        return ActorService.ErrorOf(answer) is null && !ActorService.IsActorException(answer) ? AttemptOutcome.Success : AttemptOutcome.Failure;
    }

    /// <summary>The call never reached the actor's silo (daprd's gRPC Unavailable between sidecars): safe to send again.</summary>
    private static bool IsUnreachable(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException
            or Orleans.Runtime.Messaging.ConnectionFailedException;
}
