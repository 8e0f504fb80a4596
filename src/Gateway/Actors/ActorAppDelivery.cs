using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// The hosting side of actor calls: a grain's call (already holding the actor's turn) goes to this gateway's app as
/// <c>{verb} /actors/{type}/{id}{path}</c>, under this app's resiliency for the actor type. One path for the grains in
/// this process (<see cref="InProcessActorHost"/>) and for those elsewhere (<see cref="InternalActorApi"/>).
/// </summary>
/// <remarks>
/// A method call gets the timeout only (Dapr's post-lock policy; the caller's gateway applied retry and breaker). A
/// timer or reminder callback starts here, with no caller gateway, so it gets the whole policy of the actor type:
/// timeout per attempt, retries (within the callback's turn) and the breaker, which when open skips the app. A timeout
/// or open breaker answers <c>ERR_ACTOR_INVOKE_METHOD</c> (500). Deactivations are sent once, as they are.
/// </remarks>
public sealed class ActorAppDelivery(IAppChannel channel, RuntimeReadiness readiness, ResiliencyRegistry resiliency)
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> NotServing = [new(InvocationHeaders.GatewayError, "1")];

    public async Task<ActorAnswer> SendAsync(HttpMethod method, string actorType, string actorId, string path, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>> headers, CancellationToken ct)
    {
        if (!readiness.AppServing) return new ActorAnswer(503, [], null, NotServing);
        var callback = false;
        var forwarded = new List<KeyValuePair<string, string>>();
        foreach (var h in headers)
        {
            if (h.Key.Equals(ActorHttpMessages.CallbackHeader, StringComparison.OrdinalIgnoreCase)) callback = true;
            else forwarded.Add(h);
        }
        Task<ActorAnswer> Once(CancellationToken c) => SendOnceAsync(method, actorType, actorId, path, body, contentType, forwarded, c);
        if (method == HttpMethod.Delete) return await Once(ct);

        var policy = callback ? resiliency.ForActor(actorType, actorId) : resiliency.ForActorPostLock(actorType);
        var parts = callback ? PolicyParts.All : PolicyParts.Timeout;
        if (policy.IsNoOpFor(parts)) return await Once(ct);
        try
        {
            return await policy.ExecuteAsync(Once, ActorCallPolicies.Classify, static e => e is not OperationCanceledException, parts, ct);
        }
        catch (Exception e) when (e is CircuitBreakerOpenException or ResiliencyTimeoutException && !ct.IsCancellationRequested)
        {
            return ActorCallPolicies.Failed(e.Message);
        }
    }

    private async Task<ActorAnswer> SendOnceAsync(HttpMethod method, string actorType, string actorId, string path, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>> headers, CancellationToken ct)
    {
        using var slot = await channel.EnterAsync(ct);
        var uri = new Uri(channel.BaseAddress, $"/actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}{path}");
        using var request = ActorHttpMessages.Request(method, uri, body, contentType, headers);
        using var response = await channel.SendAsync(request, ct);
        return await ActorHttpMessages.AnswerAsync(response, ct);
    }
}
