using ActorRuntime.Components.Configuration;

namespace ActorRuntime.Components.Tests.Configuration;

public class OperationPathTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("op1", "/op1")]
    [InlineData("/op1/", "/op1")]
    [InlineData("//a///b", "/a/b")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/../../b", "/b")]
    [InlineData("/a%2Fb", "/a/b")]
    [InlineData("/a/%2E%2E/b", "/b")]
    [InlineData("/caf%C3%A9", "/café")]
    [InlineData("/a?q=1", "/a")]
    [InlineData("/a#frag", "/a")]
    public void Normalizes(string input, string expected)
    {
        Assert.True(OperationPath.TryNormalize(input, out var actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("/a%")]
    [InlineData("/a%g1")]
    [InlineData("/%C3")]
    [InlineData("/a%00")]
    public void Rejects_malformed(string input) => Assert.False(OperationPath.TryNormalize(input, out _));
}
