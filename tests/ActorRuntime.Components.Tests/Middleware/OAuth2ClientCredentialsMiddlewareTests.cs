using System.Collections.Concurrent;
using System.Text;
using ActorRuntime.Components.Middleware.OAuth2ClientCredentials;
using ActorRuntime.Components.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static ActorRuntime.Components.Tests.Middleware.MiddlewareTestKit;

namespace ActorRuntime.Components.Tests.Middleware;

/// <summary><c>middleware.http.oauth2clientcredentials</c> against a local token endpoint.</summary>
public sealed class OAuth2ClientCredentialsMiddlewareTests : IAsyncLifetime
{
    private const string Secret = "s3cr3t-client-secret";
    private LocalHttpServer _server = null!;
    private int _issued;
    private readonly ConcurrentQueue<(string? Authorization, Dictionary<string, string> Form)> _requests = new();

    /// <summary>"basic" accepts only HTTP Basic credentials, "form" only form fields; "fail" refuses all.</summary>
    private string _accepts = "basic";

    public async Task InitializeAsync()
    {
        _server = await LocalHttpServer.StartAsync(app => app.MapPost("/token", async (HttpContext http) =>
        {
            var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            var auth = http.Request.Headers.Authorization.ToString();
            _requests.Enqueue((auth, form));
            var basicOk = auth == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client-1:" + Secret));
            var formOk = form.GetValueOrDefault("client_id") == "client-1" && form.GetValueOrDefault("client_secret") == Secret;
            if (_accepts == "fail" || (_accepts == "basic" && !basicOk) || (_accepts == "form" && !formOk))
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            var n = Interlocked.Increment(ref _issued);
            return Results.Json(new { access_token = "tok-" + n, token_type = "bearer", expires_in = 60 });
        }));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OAuth2ClientCredentialsMiddleware Create(TimeProvider? time = null, params (string, string)[] extra) => new(Definition(
        "middleware.http.oauth2clientcredentials",
        [("clientId", "client-1"), ("clientSecret", Secret), ("scopes", "read,write"), ("tokenURL", _server.Url("token").ToString()),
         ("headerName", "authorization"), .. extra]), time);

    [Fact]
    public async Task The_token_is_fetched_once_cached_and_set_as_the_header()
    {
        var time = new ManualTime();
        await using var m = Create(time);
        for (var i = 0; i < 3; i++)
        {
            var request = Request("/v1.0/invoke/b/method/x");
            Assert.Null(await m.HandleAsync(request, CancellationToken.None));
            Assert.Equal("Bearer tok-1", request.GetHeader("authorization"));
        }
        Assert.Equal(1, _issued);
        var (_, form) = Assert.Single(_requests);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("read write", form["scope"]);

        time.Advance(TimeSpan.FromSeconds(61)); // expired: a new one
        var later = Request("/y");
        await m.HandleAsync(later, CancellationToken.None);
        Assert.Equal("Bearer tok-2", later.GetHeader("authorization"));
    }

    [Fact]
    public async Task AuthStyle_1_sends_credentials_in_the_form_with_the_endpoint_params()
    {
        _accepts = "form";
        await using var m = Create(null, ("authStyle", "1"), ("endpointParamsQuery", "audience=api://x&resource=r1"));
        Assert.Null(await m.HandleAsync(Request("/"), CancellationToken.None));
        var (auth, form) = Assert.Single(_requests);
        Assert.True(string.IsNullOrEmpty(auth));
        Assert.Equal("api://x", form["audience"]);
        Assert.Equal("r1", form["resource"]);
    }

    [Fact]
    public async Task AuthStyle_0_falls_back_from_Basic_to_the_form_and_remembers()
    {
        _accepts = "form";
        await using var m = Create(new ManualTime());
        Assert.Null(await m.HandleAsync(Request("/"), CancellationToken.None));
        Assert.Equal(2, _requests.Count);
        Assert.StartsWith("Basic ", _requests.First().Authorization);
    }

    [Fact]
    public async Task PathFilter_limits_which_requests_get_the_header()
    {
        await using var m = Create(null, ("pathFilter", ".*/users/.*"));
        var other = Request("/v1.0/invoke/b/method/orders");
        await m.HandleAsync(other, CancellationToken.None);
        Assert.Null(other.GetHeader("authorization"));
        var users = Request("/v1.0/invoke/b/method/users/1");
        await m.HandleAsync(users, CancellationToken.None);
        Assert.Equal("Bearer tok-1", users.GetHeader("authorization"));
    }

    [Fact]
    public async Task A_refused_token_request_answers_500_and_never_shows_the_secret()
    {
        _accepts = "fail";
        await using var m = Create(null, ("authStyle", "2"));
        var r = await m.HandleAsync(Request("/"), CancellationToken.None);
        Assert.Equal(500, r!.StatusCode);
        Assert.DoesNotContain(Secret, r.Message);
    }

    [Theory]
    [InlineData("clientId")]
    [InlineData("clientSecret")]
    [InlineData("scopes")]
    [InlineData("tokenURL")]
    [InlineData("headerName")]
    public void Each_required_field_is_named_when_missing(string missing)
    {
        (string Name, string Value)[] all = [("clientId", "c"), ("clientSecret", Secret), ("scopes", "s"), ("tokenURL", "https://idp.example/token"), ("headerName", "authorization")];
        var e = Assert.Throws<ComponentConfigurationException>(() =>
            new OAuth2ClientCredentialsMiddleware(Definition("middleware.http.oauth2clientcredentials", [.. all.Where(f => f.Name != missing)])));
        Assert.Equal(missing, e.Field);
        Assert.DoesNotContain(Secret, e.Message);
    }

    [Fact]
    public void AuthStyle_must_be_0_1_or_2()
    {
        var e = Assert.Throws<ComponentConfigurationException>(() => Create(null, ("authStyle", "3")));
        Assert.Equal("authStyle", e.Field);
    }
}
