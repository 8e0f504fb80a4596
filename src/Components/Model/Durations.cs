using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorRuntime.Components.Model;

/// <summary>Parses Go's <c>time.ParseDuration</c> format (<c>1h2m3.5s</c>, <c>300ms</c>), which Dapr uses throughout its YAML.</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(?<num>\d+(\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim();
        if (s.Length == 0) return false;
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+')) s = s[1..];
        if (s == "0") return true;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var plainSeconds))
        {
            value = TimeSpan.FromSeconds(negative ? -plainSeconds : plainSeconds);
            return true;
        }
        double ticks = 0;
        while (s.Length > 0)
        {
            var m = Part().Match(s);
            if (!m.Success) return false;
            var n = double.Parse(m.Groups["num"].Value, CultureInfo.InvariantCulture);
            ticks += m.Groups["unit"].Value switch
            {
                "ns" => n / 100,
                "us" or "µs" => n * 10,
                "ms" => n * TimeSpan.TicksPerMillisecond,
                "s" => n * TimeSpan.TicksPerSecond,
                "m" => n * TimeSpan.TicksPerMinute,
                _ => n * TimeSpan.TicksPerHour,
            };
            s = s[m.Length..];
        }
        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }
}
