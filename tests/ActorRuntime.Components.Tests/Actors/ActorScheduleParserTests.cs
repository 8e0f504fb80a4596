using ActorRuntime.Components.Actors;

namespace ActorRuntime.Components.Tests.Actors;

public class ActorScheduleParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 10, 0, 0, TimeSpan.Zero);

    private static ActorSchedule P(string? due = null, string? period = null, string? ttl = null) =>
        ActorScheduleParser.Parse(due, period, ttl, Now);

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("0", 0)]
    [InlineData("1m", 60)]
    [InlineData("0h0m3s0ms", 3)]
    [InlineData("0h0m9s0ms", 9)]
    [InlineData("1.5s", 1.5)]
    [InlineData("PT2H30M", 9000)]
    [InlineData("P1DT2H", 93600)]
    [InlineData("P1W", 604800)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("2026-01-31T10:00:05Z", 5)]
    [InlineData("2026-01-31T11:00:05+01:00", 5)]
    [InlineData("2026-01-31T09:00:00Z", 0)]
    [InlineData("-5s", 0)]
    public void Due_time_formats(string? due, double seconds)
    {
        var s = P(due);
        Assert.Equal(TimeSpan.FromSeconds(seconds), s.DueTime);
        Assert.Null(s.Period);
        Assert.Null(s.Repetitions);
        Assert.Null(s.ExpiresAt);
    }

    [Fact]
    public void Calendar_months_are_added_to_the_date()
    {
        // 31 Jan + 1 month = 28 Feb 2026: .NET clamps to the month end (Go's AddDate would roll over to 3 Mar).
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 10, 0, 0, TimeSpan.Zero) - Now, P("P1M").DueTime);
    }

    [Theory]
    [InlineData("1m30s", 90, null)]
    [InlineData("500ms", 0.5, null)]
    [InlineData("PT1M30S", 90, null)]
    [InlineData("R5/PT1M30S", 90, 5)]
    [InlineData("R10/PT3S", 3, 10)]
    [InlineData("R1/P1D", 86400, 1)]
    public void Period_formats(string period, double seconds, int? reps)
    {
        var s = P(period: period);
        Assert.Equal(TimeSpan.FromSeconds(seconds), s.Period);
        Assert.Equal(reps, s.Repetitions);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("PT0S")]
    [InlineData("R3/PT0S")]
    public void Zero_period_fires_once(string period)
    {
        var s = P(period: period);
        Assert.Null(s.Period);
        Assert.Null(s.Repetitions);
    }

    [Fact]
    public void Ttl_duration_is_measured_from_the_first_fire()
    {
        Assert.Equal(Now.AddSeconds(10 + 60), P("10s", "1s", "1m").ExpiresAt);
        Assert.Equal(Now.AddHours(1), P(ttl: "PT1H").ExpiresAt);
        Assert.Equal(Now.AddSeconds(30), P(ttl: "30s").ExpiresAt);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), P(ttl: "2026-02-01T00:00:00Z").ExpiresAt);
    }

    [Theory]
    [InlineData("dueTime", "1x", null, null)]
    [InlineData("dueTime", "5", null, null)]
    [InlineData("dueTime", "R5/PT1M", null, null)]
    [InlineData("dueTime", "P", null, null)]
    [InlineData("dueTime", "PT", null, null)]
    [InlineData("dueTime", "P1H", null, null)]
    [InlineData("dueTime", "PT1H2D", null, null)]
    [InlineData("dueTime", "2026-13-01T00:00:00Z", null, null)]
    [InlineData("dueTime", "2026-01-01 10:00:00", null, null)]
    [InlineData("period", null, "R0/PT1M", null)]
    [InlineData("period", null, "R/PT1M", null)]
    [InlineData("period", null, "R5", null)]
    [InlineData("period", null, "R-1/PT1M", null)]
    [InlineData("period", null, "-1s", null)]
    [InlineData("period", null, "2026-01-01T10:00:00Z", null)]
    [InlineData("period", null, "every minute", null)]
    [InlineData("ttl", null, null, "R2/PT1M")]
    [InlineData("ttl", null, null, "soon")]
    public void Errors_name_field_and_value(string field, string? due, string? period, string? ttl)
    {
        var e = Assert.Throws<FormatException>(() => P(due, period, ttl));
        Assert.Contains(field, e.Message);
        Assert.Contains($"'{due ?? period ?? ttl}'", e.Message);
    }

    [Theory]
    [InlineData(null, "2026-01-31T09:59:59Z")]   // in the past
    [InlineData("1h", "2026-01-31T10:30:00Z")]   // before the first fire
    [InlineData(null, "-1s")]
    public void Ttl_that_has_already_expired_is_an_error(string? due, string ttl)
    {
        var e = Assert.Throws<FormatException>(() => P(due, null, ttl));
        Assert.Contains("ttl", e.Message);
        Assert.Contains("expired", e.Message);
    }

    [Fact]
    public void Duration_ttl_shorter_than_due_time_is_fine_because_it_starts_at_the_first_fire()
    {
        Assert.Equal(Now.AddMinutes(90), P("1h", null, "30m").ExpiresAt);
    }

    [Fact]
    public void Repetitions_and_ttl_both_kept()
    {
        var s = P("0s", "R3/PT10S", "PT15S");
        Assert.Equal((TimeSpan.FromSeconds(10), 3, Now.AddSeconds(15)), (s.Period!.Value, s.Repetitions!.Value, s.ExpiresAt!.Value));
    }
}
