using System.Net;
using ActorRuntime.Components.Connections;

namespace ActorRuntime.Components.Tests.Connections;

public sealed class RedisConnectionStringTests
{
    [Fact]
    public void PlainHostPort()
    {
        var o = RedisConnectionString.Parse("127.0.0.1:6390");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6390), Assert.Single(o.EndPoints));
    }

    [Fact]
    public void StackExchangeConfiguration()
    {
        var o = RedisConnectionString.Parse("a:1,b:2,password=pw,ssl=true,defaultDatabase=2");
        Assert.Equal(2, o.EndPoints.Count);
        Assert.Equal(("pw", true, 2), (o.Password, o.Ssl, o.DefaultDatabase));
    }

    [Fact]
    public void Url_WithUserPasswordAndDatabase()
    {
        var o = RedisConnectionString.Parse("rediss://me:p%40ss@cache.example:6380/3");
        Assert.Equal(new DnsEndPoint("cache.example", 6380), Assert.Single(o.EndPoints));
        Assert.Equal(("me", "p@ss", true, 3), (o.User, o.Password, o.Ssl, o.DefaultDatabase));
    }

    [Fact]
    public void Url_DefaultPortAndPasswordOnly()
    {
        var o = RedisConnectionString.Parse("redis://:pw@localhost");
        Assert.Equal(new DnsEndPoint("localhost", 6379), Assert.Single(o.EndPoints));
        Assert.Equal(("pw", false), (o.Password, o.Ssl));
        Assert.Null(o.User);
    }

    [Fact]
    public void ToConfiguration_RoundTrips()
    {
        var text = RedisConnectionString.ToConfiguration("redis://u:pw@h:7000/1");
        var o = RedisConnectionString.Parse(text);
        Assert.Equal(("u", "pw", 1), (o.User, o.Password, o.DefaultDatabase));
    }

    [Theory]
    [InlineData("redis://h/notadb")]
    [InlineData("redis://h?x=1")]
    [InlineData("h:1,password=hunter2,bogus=1")]
    [InlineData("password=hunter2")]
    public void Malformed_IsAnError_WithoutThePassword(string raw)
    {
        var error = Assert.Throws<ConnectionStringException>(() => RedisConnectionString.Parse(raw));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
