using System.Collections.Concurrent;
using System.Net;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Http;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary><c>bindings.http</c> against a real Kestrel server on loopback that records what it receives.</summary>
public sealed class HttpBindingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Received> _received = new();
    private WebApplication _server = null!;
    private string _url = "";

    private sealed record Received(string Method, string Path, string Body, IHeaderDictionary Headers);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.Run(async http =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            _received.Enqueue(new Received(http.Request.Method, http.Request.Path + http.Request.QueryString, body, new HeaderDictionary(
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            if (http.Request.Path.StartsWithSegments("/api/status", out var rest)) http.Response.StatusCode = int.Parse(rest.Value!.Trim('/'));
            http.Response.Headers["X-Echo"] = "a";
            http.Response.Headers.Append("X-Multi", new[] { "1", "2" });
            if (http.Request.Method != "HEAD") await http.Response.WriteAsync(http.Request.Method + ":" + body);
        });
        await _server.StartAsync();
        _url = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpBinding> BindingAsync(params (string, string)[] metadata)
    {
        var binding = new HttpBinding(TestServers.Component("bindings.http", [("url", _url + "/api"), .. metadata]));
        await binding.InitAsync(default);
        return binding;
    }

    private Received Last() => _received.Last();

    [Fact]
    public async Task Every_verb_reaches_the_server_with_the_body_for_post_put_patch()
    {
        await using var binding = await BindingAsync();
        foreach (var op in new[] { "get", "post", "put", "patch", "delete", "options", "head", "trace", "create" })
        {
            var response = await binding.Call(op, "{\"n\":1}");
            var expected = op == "create" ? "POST" : op.ToUpperInvariant();
            Assert.Equal(expected, Last().Method);
            var hasBody = expected is "POST" or "PUT" or "PATCH";
            Assert.Equal(hasBody ? "{\"n\":1}" : "", Last().Body);
            Assert.Equal(expected == "HEAD" ? "" : $"{expected}:{(hasBody ? "{\"n\":1}" : "")}", response.Text());
            Assert.Equal("200", response.Metadata["statusCode"]);
            Assert.Equal("200 OK", response.Metadata["status"]);
        }
    }

    [Fact]
    public async Task Path_metadata_headers_and_response_headers_map_as_in_dapr()
    {
        await using var binding = await BindingAsync(("securityToken", "s3cret"), ("securityTokenHeader", "X-Token"));
        var response = await binding.Call("post", "hello", ("path", "/orders/1?x=y"), ("X-Custom", "v1"), ("lowercase", "not-a-header"),
            ("Content-Type", "text/plain"), ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        var got = Last();
        Assert.Equal("/api/orders/1?x=y", got.Path);
        Assert.Equal("v1", got.Headers["X-Custom"].ToString());
        Assert.False(got.Headers.ContainsKey("lowercase"));
        Assert.Equal("s3cret", got.Headers["X-Token"].ToString());
        Assert.Equal("text/plain", got.Headers.ContentType.ToString());
        Assert.Equal("application/json; charset=utf-8", got.Headers.Accept.ToString());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", got.Headers["traceparent"].ToString());
        Assert.Equal("a", response.Metadata["X-Echo"]);
        Assert.Equal("1, 2", response.Metadata["X-Multi"]);
        Assert.True(response.Metadata.ContainsKey("Date")); // every response header, in Go's canonical form

        await binding.Call("post", "{}");
        Assert.Equal("application/json; charset=utf-8", Last().Headers.ContentType.ToString());
    }

    [Fact]
    public async Task A_non_2xx_answer_is_an_error_that_keeps_the_status_metadata_unless_errorIfNot2XX_is_false()
    {
        await using var binding = await BindingAsync();
        var e = await Assert.ThrowsAsync<BindingOperationException>(() => binding.Call("get", null, ("path", "status/404")));
        Assert.Equal("received status code 404", e.Message);
        Assert.Equal("404", e.Response!.Metadata["statusCode"]);
        Assert.Equal("404 Not Found", e.Response.Metadata["status"]);

        var tolerated = await binding.Call("get", null, ("path", "status/500"), ("errorIfNot2XX", "false"));
        Assert.Equal("500", tolerated.Metadata["statusCode"]);

        await using var lenient = await BindingAsync(("errorIfNot2XX", "false"));
        Assert.Equal("503", (await lenient.Call("get", null, ("path", "status/503"))).Metadata["statusCode"]);
    }

    [Fact]
    public async Task The_response_body_is_cut_at_maxResponseBodySize()
    {
        await using var binding = await BindingAsync(("maxResponseBodySize", "4"));
        Assert.Equal("POST", (await binding.Call("post", "0123456789")).Text());
    }

    [Fact]
    public async Task An_unreachable_url_fails_the_call()
    {
        await using var binding = new HttpBinding(TestServers.Component("bindings.http", ("url", "http://127.0.0.1:1/")));
        await binding.InitAsync(default);
        await Assert.ThrowsAsync<HttpRequestException>(() => binding.Call("get"));
    }

    [Fact]
    public void Configuration_mistakes_name_the_field()
    {
        Assert.Contains("field 'url': is required", Assert.Throws<ComponentConfigurationException>(() => new HttpBinding(TestServers.Component("bindings.http"))).Message);
        Assert.Contains("field 'url'", Assert.Throws<ComponentConfigurationException>(() => new HttpBinding(TestServers.Component("bindings.http", ("url", "ftp://x")))).Message);
        Assert.Contains("field 'MTLSRootCA'", Assert.Throws<ComponentConfigurationException>(() =>
            new HttpBinding(TestServers.Component("bindings.http", ("url", "https://x"), ("MTLSRootCA", "/no/such/ca.pem")))).Message);
        Assert.Contains("field 'maxResponseBodySize'", Assert.Throws<ComponentConfigurationException>(() =>
            new HttpBinding(TestServers.Component("bindings.http", ("url", "https://x"), ("maxResponseBodySize", "lots")))).Message);
        Assert.Contains("field 'MTLSRenegotiation'", Assert.Throws<ComponentConfigurationException>(() =>
            new HttpBinding(TestServers.Component("bindings.http", ("url", "https://x"), ("MTLSRenegotiation", "Sometimes")))).Message);
    }
}
