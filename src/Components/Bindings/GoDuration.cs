using System.Globalization;

namespace ActorRuntime.Components.Bindings;

/// <summary>A duration written as Go's <c>time.Duration.String()</c> does (<c>294µs</c>, <c>1.5ms</c>, <c>2m3.5s</c>), as Dapr's bindings report it.</summary>
public static class GoDuration
{
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0) return "0s";
        var sign = ticks < 0 ? "-" : "";
        var abs = Math.Abs((decimal)ticks);
        if (abs < TimeSpan.TicksPerMillisecond) return sign + Trim(abs / 10m) + "µs";
        if (abs < TimeSpan.TicksPerSecond) return sign + Trim(abs / TimeSpan.TicksPerMillisecond) + "ms";
        var hours = (long)(abs / TimeSpan.TicksPerHour);
        var minutes = (long)(abs % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute);
        var seconds = abs % TimeSpan.TicksPerMinute / TimeSpan.TicksPerSecond;
        var text = Trim(seconds) + "s";
        if (hours > 0) return $"{sign}{hours}h{minutes}m{text}";
        return minutes > 0 ? $"{sign}{minutes}m{text}" : sign + text;
    }

    private static string Trim(decimal d) => d.ToString("0.#########", CultureInfo.InvariantCulture);
}
