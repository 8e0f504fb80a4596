using ActorRuntime.Components.Middleware.Bearer;
using ActorRuntime.Components.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static ActorRuntime.Components.Tests.Middleware.MiddlewareTestKit;

namespace ActorRuntime.Components.Tests.Middleware;

/// <summary><c>middleware.http.bearer</c> against a local JWKS endpoint and tokens signed here.</summary>
public sealed class BearerMiddlewareTests : IAsyncLifetime
{
    private const string Audience = "my-app";
    private readonly TestIssuer _issuer = new();
    private LocalHttpServer _server = null!;
    private int _jwksRequests;
    private string Issuer => _server.BaseUri.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        _server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapGet("/jwks", () => { Interlocked.Increment(ref _jwksRequests); return Results.Text(_issuer.JwksJson(), "application/json"); });
            app.MapGet("/.well-known/openid-configuration", (HttpContext http) =>
                Results.Json(new Dictionary<string, string> { ["issuer"] = Issuer, ["jwks_uri"] = Issuer + "/jwks" }));
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _issuer.Dispose();
    }

    private BearerMiddleware Create(bool discovery = false) => new(Definition("middleware.http.bearer",
        [("issuer", Issuer), ("audience", Audience), .. discovery ? Array.Empty<(string, string)>() : [("jwksURL", Issuer + "/jwks")]]));

    private static async Task<int?> StatusOf(BearerMiddleware m, string? authorization)
    {
        var request = authorization is null ? Request("/v1.0/state/s") : Request("/v1.0/state/s", headers: ("Authorization", authorization));
        return (await m.HandleAsync(request, CancellationToken.None))?.StatusCode;
    }

    [Fact]
    public async Task A_token_signed_by_the_issuer_for_the_audience_passes()
    {
        await using var m = Create();
        Assert.Null(await StatusOf(m, "Bearer " + _issuer.Token(Issuer, Audience)));
        Assert.Null(await StatusOf(m, "bearer " + _issuer.Token(Issuer, Audience))); // the scheme is case-insensitive
    }

    [Fact]
    public async Task Without_jwksURL_the_keys_are_found_through_OpenID_discovery()
    {
        await using var m = Create(discovery: true);
        Assert.Null(await StatusOf(m, "Bearer " + _issuer.Token(Issuer, Audience)));
        Assert.Equal(1, _jwksRequests);
    }

    [Fact]
    public async Task Missing_malformed_and_wrong_tokens_get_401()
    {
        await using var m = Create();
        using var other = new TestIssuer();
        Assert.Equal(401, await StatusOf(m, null));
        Assert.Equal(401, await StatusOf(m, "Basic dXNlcjpwYXNz"));
        Assert.Equal(401, await StatusOf(m, "Bearer not-a-jwt"));
        Assert.Equal(401, await StatusOf(m, "Bearer " + _issuer.Token(Issuer, "another-app")));
        Assert.Equal(401, await StatusOf(m, "Bearer " + _issuer.Token("https://elsewhere.example", Audience)));
        Assert.Equal(401, await StatusOf(m, "Bearer " + other.Token(Issuer, Audience))); // right claims, wrong key
        var expired = _issuer.Token(Issuer, Audience, TimeSpan.FromMinutes(1), DateTime.UtcNow.AddMinutes(-30));
        Assert.Equal(401, await StatusOf(m, "Bearer " + expired));
    }

    [Fact]
    public async Task The_401_is_Dapr_plain_text_and_keys_are_fetched_once()
    {
        await using var m = Create();
        var rejection = await m.HandleAsync(Request("/x"), CancellationToken.None);
        Assert.Equal("Unauthorized", rejection!.Message);
        for (var i = 0; i < 3; i++) Assert.Null(await StatusOf(m, "Bearer " + _issuer.Token(Issuer, Audience)));
        Assert.Equal(1, _jwksRequests);
    }

    [Fact]
    public async Task Unreachable_keys_answer_500_rather_than_letting_the_request_through()
    {
        await using var m = new BearerMiddleware(Definition("middleware.http.bearer",
            ("issuer", Issuer), ("audience", Audience), ("jwksURL", Issuer + "/no-such-jwks")));
        Assert.Equal(500, await StatusOf(m, "Bearer " + _issuer.Token(Issuer, Audience)));
    }

    [Fact]
    public async Task Older_metadata_names_issuerURL_and_clientID_still_work()
    {
        await using var m = new BearerMiddleware(Definition("middleware.http.bearer",
            ("issuerURL", Issuer), ("clientID", Audience), ("jwksURL", Issuer + "/jwks")));
        Assert.Null(await StatusOf(m, "Bearer " + _issuer.Token(Issuer, Audience)));
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    public void A_missing_required_field_is_named(string missing)
    {
        (string, string)[] all = [("issuer", "https://issuer.example"), ("audience", Audience)];
        var e = Assert.Throws<ComponentConfigurationException>(() =>
            new BearerMiddleware(Definition("middleware.http.bearer", [.. all.Where(f => f.Item1 != missing)])));
        Assert.Equal(missing, e.Field);
        Assert.Contains("/tmp/components/mw.yaml", e.Message);
        Assert.Contains("component 'mw'", e.Message);
    }
}
