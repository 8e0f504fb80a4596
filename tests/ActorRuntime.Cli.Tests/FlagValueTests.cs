using ActorRuntime.Cli.Commands;

namespace ActorRuntime.Cli.Tests;

public class FlagValueTests
{
    [Theory]
    [InlineData("--app-id", "--app-port", "3000")]
    [InlineData("-a", "--dapr-http-port", "3600")]
    [InlineData("--resources-path", "--", "node")]
    public void A_flag_followed_by_another_flag_has_no_value(string flag, string next, string after)
    {
        var e = Assert.Throws<UsageException>(() => CommandLine.Parse([flag, next, after], RunFlags.All));
        Assert.Contains("needs a value", e.Message);
        Assert.Contains(next, e.Message);
    }

    [Fact]
    public void The_equals_form_may_carry_a_value_that_starts_with_dashes() =>
        Assert.Equal("--odd", RunFlags.ToOptions(CommandLine.Parse(["--app-id=--odd"], RunFlags.All)).AppId);
}
