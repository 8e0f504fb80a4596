using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorRuntime.Components.Actors;

/// <summary>
/// An ISO 8601 duration as Dapr accepts it for reminders and timers (<c>PT2H30M</c>, <c>P1DT2H</c>, <c>P1W</c>),
/// optionally with repetitions (<c>R5/PT1M30S</c>). Years, months and days are kept apart from the time part
/// because their length depends on the date they are added to, as in dapr/kit's <c>ParseISO8601Duration</c>
/// (which adds them with Go's <c>AddDate</c>). One difference: .NET clamps to the month end (31 Jan + P1M = 28 Feb)
/// where Go rolls over (3 Mar).
/// </summary>
/// <param name="Repetitions">The <c>R&lt;n&gt;/</c> count, or null when absent (unlimited).</param>
internal readonly partial record struct IsoDuration(int Years, int Months, int Days, TimeSpan Time, int? Repetitions)
{
    // Designators in ISO order, each at most once; fractions only on seconds (JavaScript's Temporal writes PT0.5S).
    [GeneratedRegex(@"^(?:R(?<r>\d+)/)?P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+(?:[.,]\d+)?)S)?)?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();

    /// <summary>The moment this duration after <paramref name="start"/> (calendar parts first, like Go's AddDate then Add).</summary>
    public DateTimeOffset AddTo(DateTimeOffset start) => start.AddYears(Years).AddMonths(Months).AddDays(Days).Add(Time);

    /// <summary>True when the text looks like an ISO duration at all (starts with P or R), so errors can say which format failed.</summary>
    public static bool LooksLikeIso(string text) => text.Length > 0 && text[0] is 'P' or 'R';

    public static bool TryParse(string text, out IsoDuration value)
    {
        value = default;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        // "P", "PT" and "R5/" say nothing: reject them rather than read them as zero.
        var hasDate = m.Groups["y"].Success || m.Groups["mo"].Success || m.Groups["w"].Success || m.Groups["d"].Success;
        var hasTime = m.Groups["h"].Success || m.Groups["mi"].Success || m.Groups["s"].Success;
        if (!hasDate && !hasTime) return false;
        if (text.EndsWith('T')) return false;

        try
        {
            var seconds = m.Groups["s"].Success
                ? decimal.Parse(m.Groups["s"].Value.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
                : 0m;
            var time = TimeSpan.FromHours(Int(m, "h")) + TimeSpan.FromMinutes(Int(m, "mi"))
                + TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            int? reps = m.Groups["r"].Success ? Int(m, "r") : null;
            value = new IsoDuration(Int(m, "y"), Int(m, "mo"), checked(Int(m, "w") * 7 + Int(m, "d")), time, reps);
            return true;
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static int Int(Match m, string group) =>
        m.Groups[group].Success ? int.Parse(m.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
}
