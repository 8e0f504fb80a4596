using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Cron;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary>Every schedule form Dapr's <c>bindings.cron</c> documents, and the errors a bad one gets.</summary>
public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 10, 20, 30, 500, TimeSpan.Zero); // a Saturday

    private static CronSchedule Parse(string text)
    {
        Assert.True(CronSchedule.TryParse("TZ=UTC " + text, out var schedule, out var error), error);
        return schedule;
    }

    private static DateTimeOffset Next(string text, DateTimeOffset after) => Parse(text).Next(after)!.Value;

    [Theory]
    [InlineData("*/15 * * * * *", "2026-03-14T10:20:45Z")]      // six fields, seconds first
    [InlineData("0 30 * * * *", "2026-03-14T10:30:00Z")]
    [InlineData("0 0 */2 * * *", "2026-03-14T12:00:00Z")]
    [InlineData("5 * * * *", "2026-03-14T11:05:00Z")]            // five fields: minute first
    [InlineData("*/10 * * * *", "2026-03-14T10:30:00Z")]
    [InlineData("@hourly", "2026-03-14T11:00:00Z")]
    [InlineData("@daily", "2026-03-15T00:00:00Z")]
    [InlineData("@midnight", "2026-03-15T00:00:00Z")]
    [InlineData("@weekly", "2026-03-15T00:00:00Z")]              // Sunday
    [InlineData("@monthly", "2026-04-01T00:00:00Z")]
    [InlineData("@yearly", "2027-01-01T00:00:00Z")]
    [InlineData("@annually", "2027-01-01T00:00:00Z")]
    [InlineData("@every 15s", "2026-03-14T10:20:45Z")]           // anchored at the epoch, whole periods
    [InlineData("@every 1m30s", "2026-03-14T10:21:00Z")]
    [InlineData("@every 1h", "2026-03-14T11:00:00Z")]
    [InlineData("@every 500ms", "2026-03-14T10:20:31Z")]         // under a second runs every second, as robfig/cron does
    [InlineData("0 0 9 * * MON-FRI", "2026-03-16T09:00:00Z")]
    public void Next_tick_follows_the_schedule(string schedule, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Next(schedule, At));

    [Fact]
    public void Every_gives_evenly_spaced_ticks_strictly_after_the_given_time()
    {
        var s = Parse("@every 2s");
        var t = s.Next(At)!.Value;
        Assert.Equal(t.AddSeconds(2), s.Next(t));
        Assert.Equal(t, s.Next(t.AddTicks(-1)));
    }

    [Fact]
    public void Time_zone_prefix_is_honoured()
    {
        Assert.True(CronSchedule.TryParse("CRON_TZ=Asia/Tokyo 0 0 9 * * *", out var tokyo, out var error), error);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero), tokyo.Next(At)); // 09:00 in Tokyo = 00:00 UTC
        Assert.False(CronSchedule.TryParse("CRON_TZ=Nowhere/Atlantis @daily", out _, out error));
        Assert.Contains("Nowhere/Atlantis", error);
    }

    [Theory]
    [InlineData("* * * *", "5 or 6 fields")]
    [InlineData("* * * * * * *", "5 or 6 fields")]
    [InlineData("61 * * * * *", "not a valid cron expression")]
    [InlineData("@fortnightly", "not a known descriptor")]
    [InlineData("@every", "positive duration")]
    [InlineData("@every 15", "positive duration")]
    [InlineData("@every -1s", "positive duration")]
    [InlineData("@every soon", "positive duration")]
    public void Bad_schedules_are_refused_with_the_reason(string schedule, string reason)
    {
        Assert.False(CronSchedule.TryParse(schedule, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Component_with_a_bad_schedule_names_file_component_and_field()
    {
        var definition = Definition(("schedule", "every day"));
        var e = Assert.Throws<ComponentConfigurationException>(() => new CronBinding(definition));
        Assert.Contains("crontab.yaml", e.Message);
        Assert.Contains("tick", e.Message);
        Assert.Contains("schedule", e.Message);
        Assert.Throws<ComponentConfigurationException>(() => new CronBinding(Definition()));
        Assert.Equal(["INPUT_BINDING"], new CronBinding(Definition(("schedule", "@daily"))).Capabilities);
    }

    [Fact]
    public void Event_metadata_is_what_Dapr_cron_sends()
    {
        var m = CronBinding.EventMetadata(new DateTimeOffset(2026, 3, 14, 10, 20, 30, TimeSpan.Zero), TimeZoneInfo.Utc);
        Assert.Equal("2026-03-14 10:20:30.0000000 +0000 UTC", m["readTimeUTC"]);
        Assert.Equal("UTC", m["timeZone"]);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("input", true, false)]
    [InlineData("output", false, true)]
    [InlineData("input, output", true, true)]
    [InlineData(" Output ,INPUT", true, true)]
    public void Direction_metadata_selects_what_the_runtime_uses(string? direction, bool input, bool output)
    {
        var d = direction is null ? Definition(("schedule", "@daily")) : Definition(("schedule", "@daily"), ("direction", direction));
        Assert.Equal((input, output), (BindingDirection.IsInput(d), BindingDirection.IsOutput(d)));
    }

    [Fact]
    public void Route_defaults_to_the_binding_name()
    {
        Assert.Equal("/tick", BindingDirection.Route(Definition()));
        Assert.Equal("/jobs/run", BindingDirection.Route(Definition(("route", "jobs/run"))));
        Assert.Equal("/x", BindingDirection.Route(Definition(("route", "/x"))));
    }

    private static ComponentDefinition Definition(params (string Name, string Value)[] metadata) => new()
    {
        Name = "tick",
        Type = CronBinding.TypeName,
        SourceFile = "crontab.yaml",
        Metadata = metadata.ToDictionary(m => m.Name, m => new MetadataValue(m.Value)),
    };
}
