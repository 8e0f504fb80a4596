namespace ActorRuntime.Grains.PubSub.Outbox;

/// <summary>
/// Publishes the outbox records of one state store (key: its component instance id) and deletes each once the broker
/// holds its event. Gateways kick it after every outbox transaction and every few seconds, so records left by a crash
/// between commit and publish are published after restart.
/// </summary>
[Alias("actorrt.IOutboxGrain")]
public interface IOutboxGrain : IGrainWithStringKey
{
    /// <summary>Starts a drain pass (or marks one more as due); returns at once.</summary>
    [Alias("kick")]
    Task Kick();
}
