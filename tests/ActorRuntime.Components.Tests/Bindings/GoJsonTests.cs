using System.Text;
using System.Text.Json;
using ActorRuntime.Components.Bindings;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary>The bytes daprd hands a binding for a request's <c>data</c> (Go's re-marshalled JSON).</summary>
public sealed class GoJsonTests
{
    [Theory]
    [InlineData("""{ "b": 1, "a": [1, 2.50, true, null] }""", """{"a":[1,2.5,true,null],"b":1}""")]
    [InlineData("\"Hello World\"", "\"Hello World\"")]
    [InlineData("\"<a & b>\"", "\"\\u003ca \\u0026 b\\u003e\"")]
    [InlineData("1e21", "1e+21")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("123456789", "123456789")]
    [InlineData("\"ü\"", "\"ü\"")]
    public void Data_is_re_encoded_as_go_does(string json, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, Encoding.UTF8.GetString(GoJson.Marshal(doc.RootElement)));
    }

    [Fact]
    public void Absent_data_is_null() => Assert.Equal("null", Encoding.UTF8.GetString(GoJson.Marshal(null)));
}
