using System.Text.Json;

namespace ActorRuntime.Components.State.Query;

/// <summary>
/// Dapr's state Query API (alpha1), evaluated in the runtime over <see cref="IStateStore.ScanAsync"/> so that every store
/// with a scan answers the same way. Only values that are JSON objects take part; keys come back without the app prefix.
/// Results are ordered by the sort keys, then by key, so paging with the offset token is stable.
/// </summary>
public static class StateQueryEngine
{
    private sealed record Candidate(string Key, StoredState State, JsonElement Document);

    public static async Task<StateQueryResult> ExecuteAsync(IStateStore store, KeyPrefix prefix, JsonElement query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!store.Features.HasFlag(StateStoreFeatures.QueryApi))
            throw new NotSupportedException($"state store '{store.Name}' does not support the query API");
        var parsed = StateQuery.Parse(query);

        var candidates = new List<Candidate>();
        await foreach (var (key, state) in store.ScanAsync(prefix.Prefix, ct).ConfigureAwait(false))
        {
            // App keys never contain "||"; such rows under the app's prefix are actor state (appid||type||id||key).
            if (prefix.Strip(key).Contains(KeyPrefix.Separator, StringComparison.Ordinal)) continue;
            if (AsJsonObject(state.Value) is { } document && (parsed.Filter?.Matches(document) ?? true))
                candidates.Add(new Candidate(prefix.Strip(key), state, document));
        }
        candidates.Sort((a, b) => Compare(parsed.Sort, a, b));

        var page = candidates.Skip(parsed.Offset);
        if (parsed.Limit > 0) page = page.Take(parsed.Limit);
        var results = page.Select(c => new StateQueryItem(c.Key, c.State.Value, c.State.ETag)).ToArray();
        var next = parsed.Offset + results.Length;
        // A token only while results remain, so a client loops until it gets none.
        var token = parsed.Limit > 0 && next < candidates.Count ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new StateQueryResult(results, token);
    }

    private static int Compare(IReadOnlyList<QuerySort> sort, Candidate a, Candidate b)
    {
        foreach (var s in sort)
        {
            var order = JsonValues.CompareForSort(s.Path.Resolve(a.Document), s.Path.Resolve(b.Document));
            if (order != 0) return s.Descending ? -order : order;
        }
        return string.CompareOrdinal(a.Key, b.Key);
    }

    /// <summary>The value as a JSON object, or null for anything else (binary data, JSON scalars and arrays).</summary>
    private static JsonElement? AsJsonObject(byte[] value)
    {
        if (value.Length == 0) return null;
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
