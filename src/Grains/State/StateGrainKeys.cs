namespace ActorRuntime.Grains.State;

/// <summary>Key grains are keyed <c>{storeInstanceId}||{storedKey}</c>; store ids never contain <c>||</c>, stored keys may.</summary>
public static class StateGrainKeys
{
    private const string Separator = "||";

    public static string For(string storeInstanceId, string storedKey) => storeInstanceId + Separator + storedKey;

    public static (string Store, string StoredKey) Split(string grainKey)
    {
        var i = grainKey.IndexOf(Separator, StringComparison.Ordinal);
        if (i < 0) throw new ArgumentException($"state grain key '{grainKey}' has no store name", nameof(grainKey));
        return (grainKey[..i], grainKey[(i + Separator.Length)..]);
    }
}
