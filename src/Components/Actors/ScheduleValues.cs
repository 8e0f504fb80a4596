using System.Globalization;
using System.Text.RegularExpressions;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Actors;

/// <summary>
/// The three value formats Dapr accepts for actor scheduling and actor host durations: Go durations, ISO 8601
/// durations and RFC 3339 times. Shared by <see cref="ActorScheduleParser"/> and <see cref="ActorHostConfig"/>.
/// </summary>
internal static partial class ScheduleValues
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^[+-]?\d+(\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitlessNumber();

    /// <summary>
    /// Go's <c>time.ParseDuration</c>: a unit is required except for "0" (unlike <see cref="Durations"/>, which reads
    /// a bare number as seconds: here "5" from an SDK is more likely milliseconds, so it is refused, not guessed).
    /// Both micro signs (U+00B5, and U+03BC which the Python SDK writes) are accepted, as Go does.
    /// </summary>
    public static bool TryParseGo(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var t = text.Trim().Replace('\u03BC', '\u00B5');
        if (UnitlessNumber().IsMatch(t)) return t.TrimStart('+', '-') is "0";
        return Durations.TryParse(t, out value);
    }

    public static bool TryParseRfc3339(string text, out DateTimeOffset value)
    {
        value = default;
        return Rfc3339().IsMatch(text) &&
               DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
