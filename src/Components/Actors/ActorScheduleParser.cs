namespace ActorRuntime.Components.Actors;

/// <summary>
/// Parses the <c>dueTime</c>, <c>period</c> and <c>ttl</c> of a reminder or timer registration the way daprd does
/// (<c>setReminderTimes</c> in dapr/dapr with dapr/kit's time parsers). Errors are <see cref="FormatException"/>s
/// naming the field and value; the gateway turns them into Dapr's 400.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>dueTime</c>: Go duration, ISO 8601 duration without repetitions, or RFC 3339 time. Empty means now.</item>
/// <item><c>period</c>: Go duration (unlimited fires) or ISO 8601 duration with optional <c>R&lt;n&gt;/</c>; n must be
/// positive (daprd: "has zero repetitions"). A zero period fires once, as in daprd (<c>HasRepeats</c> is false).
/// Calendar parts (P1M, P1Y) are converted to a fixed length measured from the first fire.</item>
/// <item><c>ttl</c>: like dueTime, but a duration is measured from the first fire (daprd passes the due time as the
/// offset), not from registration. A ttl before now or before the first fire is an error ("has already expired").</item>
/// <item>daprd truncates these times to whole seconds; this parser keeps full precision.</item>
/// </list>
/// </remarks>
public static class ActorScheduleParser
{
    private const string TimeFormats = "a Go duration such as '1m30s', an ISO 8601 duration such as 'PT1M30S' or an RFC 3339 time such as '2026-01-01T10:00:00Z'";

    public static ActorSchedule Parse(string? dueTime, string? period, string? ttl, DateTimeOffset now)
    {
        var firstFire = string.IsNullOrWhiteSpace(dueTime) ? now : ParseTime("dueTime", dueTime.Trim(), now);
        var due = firstFire - now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;

        var (interval, repetitions) = string.IsNullOrWhiteSpace(period)
            ? (null, null)
            : ParsePeriod(period.Trim(), firstFire);

        DateTimeOffset? expiresAt = null;
        if (!string.IsNullOrWhiteSpace(ttl))
        {
            var expiry = ParseTime("ttl", ttl.Trim(), firstFire);
            if (expiry < now || expiry < firstFire)
                throw new FormatException(
                    $"invalid ttl '{ttl}': it has already expired (expires {expiry:O}, first fire {firstFire:O}, now {now:O})");
            expiresAt = expiry;
        }

        return new ActorSchedule(due, interval, repetitions, expiresAt);
    }

    /// <summary>dueTime/ttl: a moment, from a duration added to <paramref name="offset"/> or an absolute time.</summary>
    private static DateTimeOffset ParseTime(string field, string text, DateTimeOffset offset)
    {
        if (IsoDuration.LooksLikeIso(text))
        {
            if (!IsoDuration.TryParse(text, out var iso))
                throw new FormatException($"invalid {field} '{text}': not a valid ISO 8601 duration (expected e.g. 'PT2H30M' or 'P1DT2H')");
            if (iso.Repetitions is not null)
                throw new FormatException($"invalid {field} '{text}': repetitions (R<n>/) are only allowed in period");
            return iso.AddTo(offset);
        }
        if (ScheduleValues.TryParseGo(text, out var span)) return offset + span;
        if (ScheduleValues.TryParseRfc3339(text, out var at)) return at;
        throw new FormatException($"invalid {field} '{text}': expected {TimeFormats}");
    }

    private static (TimeSpan? Interval, int? Repetitions) ParsePeriod(string text, DateTimeOffset firstFire)
    {
        TimeSpan interval;
        int? repetitions = null;
        if (IsoDuration.LooksLikeIso(text))
        {
            if (!IsoDuration.TryParse(text, out var iso))
                throw new FormatException($"invalid period '{text}': not a valid ISO 8601 duration (expected e.g. 'PT1M30S' or 'R5/PT1M30S')");
            if (iso.Repetitions == 0)
                throw new FormatException($"invalid period '{text}': has zero repetitions; R<n> needs n > 0");
            interval = iso.AddTo(firstFire) - firstFire;
            repetitions = iso.Repetitions;
        }
        else if (!ScheduleValues.TryParseGo(text, out interval))
        {
            throw new FormatException($"invalid period '{text}': expected a Go duration such as '1m30s' or an ISO 8601 duration such as 'R5/PT1M30S'");
        }

        if (interval < TimeSpan.Zero) throw new FormatException($"invalid period '{text}': must not be negative");
        return interval == TimeSpan.Zero ? (null, null) : (interval, repetitions);
    }
}
