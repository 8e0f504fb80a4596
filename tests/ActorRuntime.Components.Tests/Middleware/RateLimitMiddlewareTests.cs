using ActorRuntime.Components.Middleware.RateLimit;
using ActorRuntime.Components.Model;
using static ActorRuntime.Components.Tests.Middleware.MiddlewareTestKit;

namespace ActorRuntime.Components.Tests.Middleware;

public sealed class RateLimitMiddlewareTests
{
    private static async Task<int?> Status(RateLimitMiddleware m, string ip) =>
        (await m.HandleAsync(Request("/v1.0/state/s", headers: ("X-Forwarded-For", ip)), CancellationToken.None))?.StatusCode;

    [Fact]
    public async Task Requests_past_the_limit_in_one_second_get_429_then_the_bucket_refills()
    {
        var time = new ManualTime();
        await using var m = new RateLimitMiddleware(Definition("middleware.http.ratelimit", ("maxRequestsPerSecond", "2")), time);
        Assert.Null(await Status(m, "10.0.0.1"));
        Assert.Null(await Status(m, "10.0.0.1"));
        Assert.Equal(429, await Status(m, "10.0.0.1"));
        time.Advance(TimeSpan.FromMilliseconds(500)); // one more token at 2/s
        Assert.Null(await Status(m, "10.0.0.1"));
        Assert.Equal(429, await Status(m, "10.0.0.1"));
    }

    [Fact]
    public async Task Each_caller_has_its_own_limit()
    {
        await using var m = new RateLimitMiddleware(Definition("middleware.http.ratelimit", ("maxRequestsPerSecond", "1")), new ManualTime());
        Assert.Null(await Status(m, "10.0.0.1"));
        Assert.Equal(429, await Status(m, "10.0.0.1"));
        Assert.Null(await Status(m, "10.0.0.2"));
        // X-Real-IP names the caller when there is no X-Forwarded-For; the nearest X-Forwarded-For entry wins.
        Assert.Null((await m.HandleAsync(Request("/", headers: ("X-Real-IP", "10.0.0.3")), CancellationToken.None))?.StatusCode);
        Assert.Equal(429, await Status(m, "1.2.3.4, 10.0.0.2"));
    }

    [Fact]
    public async Task The_429_carries_the_limiter_message()
    {
        await using var m = new RateLimitMiddleware(Definition("middleware.http.ratelimit", ("maxRequestsPerSecond", "1")), new ManualTime());
        await m.HandleAsync(Request("/"), CancellationToken.None);
        var r = await m.HandleAsync(Request("/"), CancellationToken.None);
        Assert.Equal(429, r!.StatusCode);
        Assert.Equal("You have reached maximum request limit.", r.Message);
    }

    [Fact]
    public void Default_is_100_per_second_and_bad_values_are_refused()
    {
        Assert.Equal(100, new RateLimitMiddleware(Definition("middleware.http.ratelimit")).MaxRequestsPerSecond);
        foreach (var bad in new[] { "0", "-1", "many" })
        {
            var e = Assert.Throws<ComponentConfigurationException>(() =>
                new RateLimitMiddleware(Definition("middleware.http.ratelimit", ("maxRequestsPerSecond", bad))));
            Assert.Equal("maxRequestsPerSecond", e.Field);
        }
    }
}
