namespace ActorRuntime.Silo.Hosting;

public enum ClusterMode
{
    /// <summary>One silo in this process, in-memory membership: tests and single-process use.</summary>
    InProcess,
    /// <summary>All <c>actorrt run</c> processes on this machine, membership in a SQLite file under <c>~/.actorrt</c>.</summary>
    LocalMachine,
}

public sealed class ActorRuntimeSiloOptions
{
    public ClusterMode Cluster { get; set; } = ClusterMode.LocalMachine;

    /// <summary>Membership database for <see cref="ClusterMode.LocalMachine"/>.</summary>
    public string? LocalMachineDatabase { get; set; }
}
