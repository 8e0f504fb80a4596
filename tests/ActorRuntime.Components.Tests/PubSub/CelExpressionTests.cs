using System.Text.Json;
using ActorRuntime.Components.PubSub.Subscriptions;

namespace ActorRuntime.Components.Tests.PubSub;

/// <summary>The CEL subset of Dapr's routing docs, evaluated against a CloudEvent.</summary>
public sealed class CelExpressionTests
{
    private static readonly JsonElement Event = JsonDocument.Parse("""
        {"id":"1","type":"widget","source":"app","data":{"important":true,"total":250,"item":"gear","nested":{"n":3}}}
        """).RootElement;

    [Theory]
    [InlineData("event.type == \"widget\"", true)]
    [InlineData("event.type == 'gizmo'", false)]
    [InlineData("event.type != \"gizmo\"", true)]
    [InlineData("event.data.total > 100", true)]
    [InlineData("event.data.total >= 250 && event.data.total <= 250", true)]
    [InlineData("event.data.total < 100 || event.data.item == \"gear\"", true)]
    [InlineData("event.data.total < 100 || event.data.item == \"bolt\"", false)]
    [InlineData("int(event.data.total) == 250", true)]
    [InlineData("has(event.data.important) && event.data.important == true", true)]
    [InlineData("has(event.data.missing)", false)]
    [InlineData("event.data.missing == 1", false)]
    [InlineData("!(event.type == \"widget\")", false)]
    [InlineData("(event.type == \"gizmo\" || event.type == \"widget\") && event.data.nested.n == 3", true)]
    [InlineData("event.data.missing == 1 || event.type == \"widget\"", true)]
    [InlineData("event.data.total > -1", true)]
    public void Evaluates(string expression, bool expected) =>
        Assert.Equal(expected, CelExpression.Parse(expression).Evaluate(Event));

    [Theory]
    [InlineData("event.type ==")]
    [InlineData("other.type == \"x\"")]
    [InlineData("event.type == \"unterminated")]
    [InlineData("event.type == \"x\" garbage")]
    public void Refuses_what_it_cannot_read_naming_the_expression(string expression)
    {
        var e = Assert.Throws<FormatException>(() => CelExpression.Parse(expression));
        Assert.Contains(expression, e.Message);
    }
}
