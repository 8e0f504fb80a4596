using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Actors;
using Microsoft.Extensions.Hosting;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// This gateway's app as seen by actor grains in the same process: the call goes straight to the app channel, with
/// the same checks and answers as the internal port's <c>/_actorrt/actors/...</c> route.
/// </summary>
internal sealed class InProcessActorHost(IAppChannel channel, RuntimeReadiness readiness, LocalAppInstance local) : IActorHostChannel, IHostedService
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> NotServing = [new(InvocationHeaders.GatewayError, "1")];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        InProcessActorHosts.Register(local.InstanceId, this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        InProcessActorHosts.Unregister(local.InstanceId);
        return Task.CompletedTask;
    }

    public async Task<ActorAnswer> SendAsync(HttpMethod method, string actorType, string actorId, string path, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        if (!readiness.AppServing) return new ActorAnswer(503, [], null, NotServing);
        using var slot = await channel.EnterAsync(cancellationToken);
        var uri = new Uri(channel.BaseAddress, $"/actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}{path}");
        using var request = ActorHttpMessages.Request(method, uri, body, contentType, headers);
        using var response = await channel.SendAsync(request, cancellationToken);
        return await ActorHttpMessages.AnswerAsync(response, cancellationToken);
    }
}
