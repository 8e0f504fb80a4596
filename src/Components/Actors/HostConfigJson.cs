using System.Globalization;
using System.Text.Json;

namespace ActorRuntime.Components.Actors;

/// <summary>Field readers for <see cref="ActorHostConfig"/>; every error names the JSON path.</summary>
internal static class HostConfigJson
{
    /// <summary>Property by name, case-insensitively (Go's encoding/json rule); null when absent.</summary>
    public static JsonElement? Get(JsonElement obj, string name)
    {
        JsonElement? insensitive = null;
        foreach (var p in obj.EnumerateObject())
        {
            if (p.NameEquals(name)) return p.Value;
            if (insensitive is null && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) insensitive = p.Value;
        }
        return insensitive;
    }

    public static List<string> Strings(JsonElement obj, string name, string path)
    {
        var node = Get(obj, name);
        if (node is not { } e || e.ValueKind == JsonValueKind.Null) return [];
        if (e.ValueKind != JsonValueKind.Array) throw Bad(path, "must be an array of actor type names");
        var result = new List<string>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                throw Bad(path, "must contain only non-empty strings");
            result.Add(item.GetString()!);
        }
        return result;
    }

    /// <summary>Reads the settings fields of an object, starting from <paramref name="inherited"/> for absent ones.</summary>
    public static ActorTypeSettings Settings(JsonElement obj, ActorTypeSettings inherited, string prefix, bool includeScanInterval)
    {
        var reentrancyEnabled = inherited.ReentrancyEnabled;
        var maxDepth = inherited.MaxStackDepth;
        if (Get(obj, "reentrancy") is { ValueKind: not JsonValueKind.Null } r)
        {
            if (r.ValueKind != JsonValueKind.Object) throw Bad(prefix + "reentrancy", "must be an object such as {\"enabled\": true}");
            reentrancyEnabled = Bool(r, "enabled", prefix + "reentrancy.enabled") ?? false;
            maxDepth = Int(r, "maxStackDepth", prefix + "reentrancy.maxStackDepth") ?? ActorTypeSettings.Default.MaxStackDepth;
            if (maxDepth < 1) throw Bad(prefix + "reentrancy.maxStackDepth", $"must be at least 1, not {maxDepth}");
        }

        var idle = Duration(obj, "actorIdleTimeout", prefix) ?? inherited.IdleTimeout;
        if (idle <= TimeSpan.Zero) throw Bad(prefix + "actorIdleTimeout", "must be positive");
        var scan = includeScanInterval ? Duration(obj, "actorScanInterval", prefix) ?? inherited.ScanInterval : inherited.ScanInterval;
        if (scan <= TimeSpan.Zero) throw Bad(prefix + "actorScanInterval", "must be positive");
        var partitions = Int(obj, "remindersStoragePartitions", prefix + "remindersStoragePartitions") ?? inherited.RemindersStoragePartitions;
        if (partitions < 0) throw Bad(prefix + "remindersStoragePartitions", "must not be negative");

        return new ActorTypeSettings(
            idle,
            scan,
            Duration(obj, "drainOngoingCallTimeout", prefix) ?? inherited.DrainOngoingCallTimeout,
            Bool(obj, "drainRebalancedActors", prefix + "drainRebalancedActors") ?? inherited.DrainRebalancedActors,
            reentrancyEnabled,
            maxDepth,
            partitions);
    }

    private static TimeSpan? Duration(JsonElement obj, string name, string prefix)
    {
        var path = prefix + name;
        if (Get(obj, name) is not { } e || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.String) throw Bad(path, "must be a duration string such as \"1h\", \"1h0m0s0ms\" or \"01:00:00\"");
        var text = e.GetString()!.Trim();
        if (text.Length == 0) return null;
        TimeSpan value;
        if (IsoDuration.LooksLikeIso(text) && IsoDuration.TryParse(text, out var iso) && iso is { Repetitions: null, Years: 0, Months: 0 })
            value = TimeSpan.FromDays(iso.Days) + iso.Time;
        else if (!ScheduleValues.TryParseGo(text, out value) && !(text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value)))
            throw Bad(path, $"'{text}' is not a duration; expected e.g. \"1h\", \"1h0m0s0ms\", \"01:00:00\" or \"PT1H\"");
        if (value < TimeSpan.Zero) throw Bad(path, $"'{text}' must not be negative");
        return value;
    }

    private static bool? Bool(JsonElement obj, string name, string path)
    {
        if (Get(obj, name) is not { } e) return null;
        return e.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(e.GetString(), out var b) => b,
            _ => throw Bad(path, "must be true or false"),
        };
    }

    private static int? Int(JsonElement obj, string name, string path)
    {
        if (Get(obj, name) is not { } e) return null;
        return e.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number when e.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => throw Bad(path, "must be a whole number"),
        };
    }

    private static FormatException Bad(string path, string problem) => new($"/dapr/config: '{path}' {problem}");
}
