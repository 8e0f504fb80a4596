namespace ActorRuntime.Silo.Storage;

/// <summary>
/// Where <see cref="StateStoreGrainStorage"/> keeps a grain's state in a Dapr state store:
/// <c>{prefix}||grain||{grainType}||{grainKey}||{stateName}</c>. The prefix is the cluster's ServiceId unless
/// configured; grain type and key are the <see cref="GrainId"/>'s parts as Orleans prints them
/// (<c>counter</c>, <c>c1</c> for <c>GetGrain&lt;ICounterGrain&gt;("c1")</c> on class <c>CounterGrain</c>).
/// </summary>
public static class GrainStateKey
{
    public const string Separator = "||";
    public const string Marker = "grain";

    public static string For(string prefix, GrainId grainId, string stateName)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        return string.Concat(prefix, Separator, Marker, Separator, grainId.Type.ToString(), Separator, grainId.Key.ToString(), Separator, stateName);
    }

    /// <summary>The prefix every grain state of <paramref name="prefix"/>'s service starts with (for scans).</summary>
    public static string ServicePrefix(string prefix) => string.Concat(prefix, Separator, Marker, Separator);
}
