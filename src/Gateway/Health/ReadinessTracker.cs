using ActorRuntime.Components;
using Microsoft.Extensions.Hosting;

namespace ActorRuntime.Gateway.Health;

/// <summary>Marks components and API ready once the host has fully started (all hosted services, Kestrel included).</summary>
internal sealed class ReadinessTracker(IHostApplicationLifetime lifetime, ComponentRegistry components, RuntimeReadiness readiness) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            readiness.ComponentsReady = components.IsReady;
            readiness.ApiReady = true;
        });
        lifetime.ApplicationStopping.Register(() => readiness.ApiReady = false);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
