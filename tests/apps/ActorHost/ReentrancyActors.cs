using Dapr.Actors.Client;
using Dapr.Actors.Runtime;

namespace ActorTestApps;

/// <summary>Registered with reentrancy on (per type): A's call to B on the same id carries Dapr-Reentrancy-Id and runs.</summary>
[Actor(TypeName = ActorTypes.Reentrant)]
public sealed class ReentrantActor(ActorHost host) : TracedActor(host), IReentrancyProbe
{
    public async Task<string> A()
    {
        var self = ProxyFactory.CreateActorProxy<IReentrancyProbe>(Id, ActorTypes.Reentrant);
        return "A>" + await self.B();
    }

    public Task<string> B() => Task.FromResult("B");
}

/// <summary>
/// The same shape without reentrancy: B waits for A's turn to end, which waits for B, so the self-call cannot succeed.
/// The inner call gives up after 10 s (the proxy's RequestTimeout) so that A fails instead of hanging forever.
/// </summary>
[Actor(TypeName = ActorTypes.NonReentrant)]
public sealed class NonReentrantActor(ActorHost host) : TracedActor(host), IReentrancyProbe
{
    public async Task<string> A()
    {
        var self = ProxyFactory.CreateActorProxy<IReentrancyProbe>(Id, ActorTypes.NonReentrant,
            new ActorProxyOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        return "A>" + await self.B();
    }

    public Task<string> B() => Task.FromResult("B");
}
