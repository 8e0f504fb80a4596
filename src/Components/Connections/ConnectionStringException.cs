namespace ActorRuntime.Components.Connections;

/// <summary>
/// A connection string (or connection setting) that cannot be used. <see cref="Problem"/> names the offending key and
/// never contains a password: callers prefix it with the field or flag it came from (<c>connectionString</c>,
/// <c>--connection-string</c>), so the same parser serves component files and command lines.
/// </summary>
public sealed class ConnectionStringException(string problem) : FormatException(problem)
{
    /// <summary>What is wrong, phrased to follow a field name: "has an unknown key 'foo'".</summary>
    public string Problem { get; } = problem;
}
