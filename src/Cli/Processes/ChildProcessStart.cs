namespace ActorRuntime.Cli.Processes;

/// <summary>How to start a <see cref="ChildProcess"/>: an app of <c>actorrt run</c> or a member of a local cluster.</summary>
internal sealed record ChildProcessStart
{
    /// <summary>The program and its arguments.</summary>
    public required IReadOnlyList<string> Command { get; init; }
    public string? WorkingDirectory { get; init; }
    /// <summary>Variables set on top of ours.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Variables of ours whose name starts with one of these are not passed on.</summary>
    public IReadOnlyList<string> DropEnvironmentPrefixes { get; init; } = [];
    /// <summary>Put before every forwarded line (<c>== APP == </c>, <c>== silo-1 == </c>).</summary>
    public string LinePrefix { get; init; } = "";
    /// <summary>Where the child's stdout and stderr lines go.</summary>
    public required TextWriter Output { get; init; }
    /// <summary>
    /// On Linux, start through <c>setsid</c> in a session of its own, so Ctrl+C in a terminal reaches only us (we then
    /// stop children in our own order). When the caller is not a process-group leader <c>setsid</c> execs in place,
    /// so the PID is the child's own.
    /// </summary>
    public bool OwnSession { get; init; }
    /// <summary>Give the child a closed stdin instead of ours (a runtime process never reads the terminal).</summary>
    public bool DetachInput { get; init; }
    /// <summary>How long output may still arrive after the child exited (a grandchild may hold the pipe open).</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(1);
}
