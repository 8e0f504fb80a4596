using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Actors;
using Microsoft.Extensions.Hosting;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// This gateway's app as seen by actor grains in the same process: the call goes straight to
/// <see cref="ActorAppDelivery"/>, with the same checks, policies and answers as the internal port's
/// <c>/_actorrt/actors/...</c> route.
/// </summary>
internal sealed class InProcessActorHost(ActorAppDelivery delivery, LocalAppInstance local) : IActorHostChannel, IHostedService
{
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

    public Task<ActorAnswer> SendAsync(HttpMethod method, string actorType, string actorId, string path, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken) =>
        delivery.SendAsync(method, actorType, actorId, path, body, contentType, headers, cancellationToken);
}
