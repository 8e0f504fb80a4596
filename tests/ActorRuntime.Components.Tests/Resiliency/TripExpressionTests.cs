using ActorRuntime.Components.Resiliency;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class TripExpressionTests
{
    [Theory]
    [InlineData("consecutiveFailures > 5", 0, 0, 0, 0, 5, false)]
    [InlineData("consecutiveFailures > 5", 0, 0, 0, 0, 6, true)]
    [InlineData("consecutiveFailures >= 5", 0, 0, 0, 0, 5, true)]
    [InlineData("totalFailures < 2", 0, 0, 1, 0, 0, true)]
    [InlineData("totalFailures <= 2", 0, 0, 3, 0, 0, false)]
    [InlineData("requests == 3", 3, 0, 0, 0, 0, true)]
    [InlineData("requests != 3", 3, 0, 0, 0, 0, false)]
    [InlineData("5u < consecutiveFailures", 0, 0, 0, 0, 6, true)]
    [InlineData("requests > 10 && totalFailures >= 5", 11, 0, 5, 0, 0, true)]
    [InlineData("requests > 10 && totalFailures >= 5", 9, 0, 5, 0, 0, false)]
    [InlineData("consecutiveFailures > 5 || (requests > 10 && totalFailures >= 5)", 11, 0, 5, 0, 0, true)]
    [InlineData("consecutiveFailures > 5 || (requests > 10 && totalFailures >= 5)", 0, 0, 0, 0, 6, true)]
    [InlineData("consecutiveFailures > 5 || (requests > 10 && totalFailures >= 5)", 11, 0, 4, 0, 5, false)]
    [InlineData("consecutiveSuccesses == 0 && totalSuccesses == 1", 0, 1, 0, 0, 0, true)]
    public void Evaluates_comparisons_and_boolean_operators(string text, long requests, long successes, long failures,
        long consecutiveSuccesses, long consecutiveFailures, bool expected)
    {
        var expression = TripExpression.Parse(text);

        Assert.Equal(expected, expression.Evaluate(new CircuitBreakerCounts(requests, successes, failures, consecutiveSuccesses, consecutiveFailures)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("consecutiveFailures")]
    [InlineData("consecutiveFailures > ")]
    [InlineData("consecutiveFailures > 5 ||")]
    [InlineData("(consecutiveFailures > 5")]
    [InlineData("consecutiveFailures > 5)")]
    [InlineData("consecutiveFailures >> 5")]
    [InlineData("errors > 5")]
    [InlineData("consecutiveFailures > 99999999999999999999")]
    public void Rejects_malformed_expressions(string text)
    {
        Assert.False(TripExpression.TryParse(text, out var expression, out var error));
        Assert.Null(expression);
        Assert.Contains("trip expression", error);
    }
}
