using System.Globalization;
using ActorRuntime.Components.Model;
using Cronos;

namespace ActorRuntime.Components.Bindings.Cron;

/// <summary>
/// A <c>bindings.cron</c> schedule in every form Dapr's cron binding accepts: six fields with seconds
/// (<c>*/15 * * * * *</c>), the classic five (<c>0 * * * *</c>), the descriptors <c>@yearly</c>/<c>@annually</c>,
/// <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>/<c>@midnight</c>, <c>@hourly</c>, and <c>@every &lt;Go duration&gt;</c>
/// (<c>@every 15s</c>, <c>@every 1m30s</c>), optionally prefixed by <c>CRON_TZ=Zone</c> or <c>TZ=Zone</c>.
/// <c>@every</c> ticks are anchored at the Unix epoch rather than at process start, so every silo that may hold the
/// schedule computes the same ticks, which is what lets a failover tell a fired tick from a new one.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression? _expression;
    private readonly TimeSpan _every;

    private CronSchedule(string text, CronExpression? expression, TimeSpan every, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        _every = every;
        Zone = zone;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The first tick strictly after <paramref name="after"/>; null when the expression never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (_expression is null)
        {
            // Whole seconds as robfig/cron's ConstantDelaySchedule, counted from the epoch.
            var period = _every.Ticks;
            var since = after.UtcTicks - DateTime.UnixEpoch.Ticks;
            var n = since >= 0 ? since / period + 1 : 0;
            return new DateTimeOffset(DateTime.UnixEpoch.Ticks + n * period, TimeSpan.Zero);
        }
        return _expression.GetNextOccurrence(after, Zone);
    }

    public static bool TryParse(string text, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        error = "";
        var s = text.Trim();
        var zone = TimeZoneInfo.Local;
        if (s.StartsWith("CRON_TZ=", StringComparison.Ordinal) || s.StartsWith("TZ=", StringComparison.Ordinal))
        {
            var space = s.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) { error = "has a time zone but no schedule"; return false; }
            var name = s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out zone!)) { error = $"names an unknown time zone '{name}'"; return false; }
            s = s[(space + 1)..].Trim();
        }
        if (s.StartsWith("@every", StringComparison.OrdinalIgnoreCase))
        {
            var d = s[6..].Trim();
            if (d.Length == 0 || !Durations.TryParse(d, out var every) || every <= TimeSpan.Zero || !HasUnit(d))
            {
                error = $"'@every' needs a positive duration such as '15s' or '1m30s', not '{d}'";
                return false;
            }
            // robfig/cron runs sub-second delays every second and drops fractions of a second.
            every = TimeSpan.FromSeconds(Math.Max(1, Math.Floor(every.TotalSeconds)));
            schedule = new CronSchedule(text, null, every, zone);
            return true;
        }
        var expression = s.ToLowerInvariant() switch
        {
            "@yearly" or "@annually" => "0 0 0 1 1 *",
            "@monthly" => "0 0 0 1 * *",
            "@weekly" => "0 0 0 * * 0",
            "@daily" or "@midnight" => "0 0 0 * * *",
            "@hourly" => "0 0 * * * *",
            _ when s.StartsWith('@') => null,
            _ => s,
        };
        if (expression is null) { error = $"'{s}' is not a known descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)"; return false; }
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6)) { error = $"must have 5 or 6 fields (seconds first), not {fields.Length}"; return false; }
        try
        {
            var parsed = CronExpression.Parse(string.Join(' ', fields), fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            schedule = new CronSchedule(text, parsed, TimeSpan.Zero, zone);
            return true;
        }
        catch (CronFormatException e)
        {
            error = $"is not a valid cron expression: {e.Message}";
            return false;
        }
    }

    // Go's time.ParseDuration needs a unit ("15" alone is an error), unlike our plain-seconds shortcut.
    private static bool HasUnit(string d) => !double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    public override string ToString() => Text;
}
