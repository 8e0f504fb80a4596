using System.Net;
using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.State;
using StackExchange.Redis;

namespace ActorRuntime.Components.Tests.Connections;

public sealed class RedisConnectionSettingsTests
{
    private static ConfigurationOptions From(params (string, string)[] metadata) =>
        RedisConnectionSettings.FromMetadata(TestServers.Component("state.redis", metadata).GetMetadata(), "test");

    [Fact]
    public void DaprFields_Map()
    {
        var o = From(("redisHost", "cache:6380"), ("redisPassword", "pw"), ("redisUsername", "me"), ("redisDB", "4"),
            ("enableTLS", "true"), ("dialTimeout", "2s"), ("readTimeout", "3000"), ("writeTimeout", "4s"), ("maxRetries", "5"));

        Assert.Equal(new DnsEndPoint("cache", 6380), Assert.Single(o.EndPoints));
        Assert.Equal(("pw", "me", 4, true), (o.Password, o.User, o.DefaultDatabase, o.Ssl));
        Assert.Equal(2000, o.ConnectTimeout);
        Assert.Equal(4000, o.SyncTimeout); // the longer of read (3000 ms) and write (4s)
        Assert.Equal(4000, o.AsyncTimeout);
        Assert.Equal(5, o.ConnectRetry);
        Assert.True(o.AbortOnConnectFail);
    }

    [Fact]
    public void Defaults_AsDapr()
    {
        var o = From(("redisHost", "cache"));
        Assert.Equal(new DnsEndPoint("cache", 6379), Assert.Single(o.EndPoints));
        Assert.Equal((0, 5000, 3), (o.DefaultDatabase, o.ConnectTimeout, o.ConnectRetry));
    }

    [Fact]
    public void CommaList_AndRedisPort()
    {
        var o = From(("redisHost", "a, b:7000"), ("redisPort", "7000"), ("redisType", "cluster"), ("redisDB", "3"));
        Assert.Equal([new DnsEndPoint("a", 7000), new DnsEndPoint("b", 7000)], o.EndPoints.ToArray());
        Assert.Null(o.DefaultDatabase); // Dapr ignores redisDB in cluster mode
    }

    [Fact]
    public void Failover_UsesTheSentinelMasterName()
    {
        var o = From(("redisHost", "s1:26379,s2:26379"), ("failover", "true"), ("sentinelMasterName", "mymaster"));
        Assert.Equal("mymaster", o.ServiceName);
    }

    [Fact]
    public void NoTimeout_IsMinusOne()
    {
        var o = From(("redisHost", "h"), ("readTimeout", "-1"));
        Assert.Equal(int.MaxValue, o.SyncTimeout);
    }

    [Fact]
    public void BackoffSettings_BecomeTheReconnectPolicy()
    {
        Assert.IsType<ExponentialRetry>(From(("redisHost", "h"), ("maxRetryBackoff", "2s")).ReconnectRetryPolicy);
        Assert.IsType<LinearRetry>(From(("redisHost", "h"), ("maxRetryBackoff", "-1")).ReconnectRetryPolicy);
    }

    [Fact]
    public void PoolSettings_AreAcceptedAndIgnored()
    {
        var o = From(("redisHost", "h"), ("poolSize", "20"), ("minIdleConns", "2"), ("idleTimeout", "5m"), ("idleCheckFrequency", "1m"),
            ("maxConnAge", "30m"), ("poolTimeout", "4s"), ("redisMaxRetries", "2"), ("sentinelPassword", "x"));
        Assert.Single(o.EndPoints);
        Assert.Contains("poolSize", RedisConnectionSettings.Ignored);
    }

    [Theory]
    [InlineData("redisHost", "not a host")]
    [InlineData("redisDB", "first")]
    [InlineData("redisType", "ring")]
    [InlineData("redisPort", "99999")]
    [InlineData("dialTimeout", "soon")]
    [InlineData("dialTimeout", "0")]
    [InlineData("readTimeout", "3 seconds")]
    [InlineData("writeTimeout", "1.5")]
    [InlineData("maxRetryBackoff", "x")]
    [InlineData("poolSize", "many")]
    [InlineData("idleTimeout", "later")]
    [InlineData("maxRetries", "-2")]
    [InlineData("enableTLS", "maybe")]
    [InlineData("useEntraID", "true")]
    public void Malformed_NamesTheField(string field, string value)
    {
        var metadata = new List<(string, string)> { ("redisHost", "h:1") };
        metadata.RemoveAll(m => m.Item1 == field);
        metadata.Add((field, value));
        var error = Assert.Throws<ComponentConfigurationException>(() => From([.. metadata]));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void FailoverWithoutMasterName_NamesTheField() =>
        Assert.Equal("sentinelMasterName", Assert.Throws<ComponentConfigurationException>(() => From(("redisHost", "h"), ("failover", "true"))).Field);

    [Fact]
    public void RedisPortConflict_NamesTheField() =>
        Assert.Equal("redisPort", Assert.Throws<ComponentConfigurationException>(() => From(("redisHost", "h:1"), ("redisPort", "2"))).Field);

    [Fact]
    public void ClientCertWithoutKey_NamesTheField() =>
        Assert.Equal("clientKey", Assert.Throws<ComponentConfigurationException>(() => From(("redisHost", "h"), ("enableTLS", "true"), ("clientCert", "-----BEGIN CERTIFICATE-----"))).Field);
}
