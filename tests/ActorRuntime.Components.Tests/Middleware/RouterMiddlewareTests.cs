using System.Text;
using ActorRuntime.Components.Middleware;
using ActorRuntime.Components.Middleware.RouterAlias;
using ActorRuntime.Components.Middleware.RouterChecker;
using ActorRuntime.Components.Middleware.Uppercase;
using ActorRuntime.Components.Model;
using Microsoft.AspNetCore.Http;
using static ActorRuntime.Components.Tests.Middleware.MiddlewareTestKit;

namespace ActorRuntime.Components.Tests.Middleware;

/// <summary><c>routerchecker</c>, <c>routeralias</c> and <c>uppercase</c>.</summary>
public sealed class RouterMiddlewareTests
{
    [Fact]
    public async Task Routerchecker_refuses_paths_not_matching_the_rule_with_400()
    {
        await using var m = new RouterCheckerMiddleware(Definition("middleware.http.routerchecker", ("rule", "^[A-Za-z0-9/._-]+$")));
        Assert.Null(await m.HandleAsync(Request("/v1.0/invoke/mathService/method/add"), CancellationToken.None));
        var r = await m.HandleAsync(Request("/v1.0/invoke/mathService/method/add?x=1"), CancellationToken.None); // the query counts
        Assert.Equal(400, r!.StatusCode);
        Assert.Equal("invalid router", r.Message);
    }

    [Fact]
    public void Routerchecker_names_a_bad_or_missing_rule()
    {
        Assert.Equal("rule", Assert.Throws<ComponentConfigurationException>(() =>
            new RouterCheckerMiddleware(Definition("middleware.http.routerchecker", ("rule", "^[a-z")))).Field);
        Assert.Equal("rule", Assert.Throws<ComponentConfigurationException>(() =>
            new RouterCheckerMiddleware(Definition("middleware.http.routerchecker"))).Field);
    }

    private const string Routes = """
        {
          "/mall/activity/info": "/v1.0/invoke/srv.default/method/mall/activity/info",
          "/hello/activity/{id}/info": "/v1.0/invoke/srv.default/method/hello/activity/info"
        }
        """;

    [Fact]
    public async Task Routeralias_rewrites_the_path_and_keeps_the_query()
    {
        await using var m = new RouterAliasMiddleware(Definition("middleware.http.routeralias", ("routes", Routes)));
        var request = Request("/mall/activity/info?id=123");
        Assert.Null(await m.HandleAsync(request, CancellationToken.None));
        Assert.Equal("/v1.0/invoke/srv.default/method/mall/activity/info?id=123", request.PathAndQuery);
    }

    [Fact]
    public async Task Routeralias_adds_template_variables_to_the_query_and_leaves_other_paths()
    {
        await using var m = new RouterAliasMiddleware(Definition("middleware.http.routeralias", ("routes", Routes)));
        var request = Request("/hello/activity/42/info");
        await m.HandleAsync(request, CancellationToken.None);
        Assert.Equal("/v1.0/invoke/srv.default/method/hello/activity/info?id=42", request.PathAndQuery);
        var other = Request("/hello/activity/42/other?a=b");
        await m.HandleAsync(other, CancellationToken.None);
        Assert.Equal("/hello/activity/42/other?a=b", other.PathAndQuery);
    }

    [Fact]
    public async Task Routeralias_reads_a_YAML_map_and_works_on_incoming_requests()
    {
        await using var m = new RouterAliasMiddleware(Definition("middleware.http.routeralias", ("routes", "/a: /v1.0/state/s\n/b/{k}: /v1.0/state/t\n")));
        var http = new DefaultHttpContext();
        http.Request.Path = "/b/key1";
        http.Request.QueryString = new QueryString("?x=1");
        await m.HandleAsync(new HttpContextMiddlewareRequest(http), CancellationToken.None);
        Assert.Equal("/v1.0/state/t", http.Request.Path.Value);
        Assert.Equal("?x=1&k=key1", http.Request.QueryString.Value);
    }

    [Theory]
    [InlineData("not a map")]
    [InlineData("{\"/a\": \"no-slash\"}")]
    [InlineData("{\"/a/{\": \"/b\"}")]
    [InlineData("{\"/a\": [1, 2]}")]
    public void Routeralias_names_bad_routes(string routes)
    {
        var e = Assert.Throws<ComponentConfigurationException>(() =>
            new RouterAliasMiddleware(Definition("middleware.http.routeralias", ("routes", routes))));
        Assert.Equal("routes", e.Field);
    }

    [Fact]
    public async Task Uppercase_upper_cases_the_body_both_ways()
    {
        await using var m = new UppercaseMiddleware(Definition("middleware.http.uppercase"));
        var outgoing = Request("/x", HttpMethod.Post, "hello world");
        await m.HandleAsync(outgoing, CancellationToken.None);
        Assert.Equal("HELLO WORLD", Encoding.UTF8.GetString(await outgoing.ReadBodyAsync(CancellationToken.None)));

        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream("abc"u8.ToArray());
        await m.HandleAsync(new HttpContextMiddlewareRequest(http), CancellationToken.None);
        Assert.Equal("ABC", await new StreamReader(http.Request.Body).ReadToEndAsync());
        Assert.Equal(3, http.Request.ContentLength);
    }
}
