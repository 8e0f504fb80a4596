using System.Net;
using ActorRuntime.Grains.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.Tests.Security;

/// <summary>
/// With <c>DAPR_API_TOKEN</c> set, every route the gateway maps, read from its endpoint data sources (so a route added
/// later is covered without touching this test), refuses a call without the token: HTTP routes with 401
/// <c>ERR_INVALID_API_TOKEN</c>, gRPC methods with <c>Unauthenticated</c>; only daprd's health probes answer. The
/// internal port's routes refuse a call without the cluster credential, whatever API token it carries.
/// </summary>
public sealed class ApiTokenCoverageTests : IAsyncLifetime
{
    private const string Token = "tok-3f9a1c";
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayTestHost.StartAsync(o => o.ApiToken = Token, GatewayTestHost.InMemoryStore("statestore", actorStateStore: true));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private IReadOnlyList<RouteEndpoint> Routes =>
        [.. _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static bool IsInternal(RouteEndpoint e) => e.RoutePattern.RawText?.TrimStart('/').StartsWith("_actorrt/", StringComparison.Ordinal) == true;

    private static bool IsGrpc(RouteEndpoint e) => e.Metadata.Any(m => m.GetType().Name is "GrpcMethodMetadata");

    private static bool IsHealthProbe(RouteEndpoint e) => e.RoutePattern.RawText is "/v1.0/healthz" or "/v1.0/healthz/outbound";

    [Fact]
    public async Task Every_public_HTTP_route_refuses_a_call_without_the_token()
    {
        var routes = Routes.Where(e => !IsInternal(e) && !IsGrpc(e) && !IsHealthProbe(e)).ToList();
        Assert.True(routes.Count >= 25, $"only {routes.Count} HTTP routes found: the enumeration is broken");
        var served = new List<string>();
        foreach (var route in routes)
            foreach (var method in Methods(route))
            {
                using var response = await SendPublicAsync(method, SamplePath(route.RoutePattern), token: null);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Unauthorized || !body.Contains("ERR_INVALID_API_TOKEN", StringComparison.Ordinal))
                    served.Add($"{method} {route.RoutePattern.RawText} -> {(int)response.StatusCode} {body}");
            }
        Assert.Empty(served);
    }

    [Fact]
    public async Task Every_gRPC_method_refuses_a_call_without_the_token()
    {
        var methods = Routes.Where(IsGrpc).ToList();
        Assert.True(methods.Count >= 30, $"only {methods.Count} gRPC methods found: the enumeration is broken");
        var served = new List<string>();
        foreach (var route in methods)
        {
            var status = await GrpcStatusAsync(SamplePath(route.RoutePattern), token: null);
            if (status != "16") served.Add($"{route.RoutePattern.RawText} -> grpc-status {status}");
        }
        Assert.Empty(served);
    }

    [Fact]
    public async Task Proxying_and_app_id_header_invocation_refuse_a_call_without_the_token()
    {
        using var http = await SendPublicAsync("POST", "/orders/new", token: null, appId: "someone");
        Assert.Equal(HttpStatusCode.Unauthorized, http.StatusCode);
        Assert.Equal("16", await GrpcStatusAsync("/my.pkg.Greeter/SayHello", token: null, appId: "someone"));
    }

    [Fact]
    public async Task The_token_lets_calls_through_and_health_probes_need_none()
    {
        using var metadata = await SendPublicAsync("GET", "/v1.0/metadata", Token);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        using var wrong = await SendPublicAsync("GET", "/v1.0/metadata", Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var health = await SendPublicAsync("GET", "/v1.0/healthz/outbound", token: null);
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.NotEqual("16", await GrpcStatusAsync("/dapr.proto.runtime.v1.Dapr/GetMetadata", Token));
    }

    [Fact]
    public async Task Every_internal_route_refuses_a_call_without_the_cluster_credential()
    {
        var routes = Routes.Where(IsInternal).ToList();
        Assert.True(routes.Count >= 3, $"only {routes.Count} internal routes found");
        var credential = _gateway.Services.GetRequiredService<ClusterCredential>();
        var served = new List<string>();
        foreach (var route in routes)
            foreach (var method in Methods(route))
            {
                var path = SamplePath(route.RoutePattern);
                // The API token is no key to the internal port, and neither is a made-up credential.
                foreach (var given in new[] { null, "bm90LXRoZS1vbmU=" })
                {
                    var context = await SendInternalAsync(method, path, given);
                    if (context.Response.StatusCode != StatusCodes.Status401Unauthorized)
                        served.Add($"{method} {route.RoutePattern.RawText} ({given ?? "no credential"}) -> {context.Response.StatusCode}");
                }
            }
        Assert.Empty(served);

        // The right credential opens it (the call then fails for its own reasons, not as unauthenticated).
        var request = new HttpRequestMessage();
        credential.Stamp(request);
        var accepted = await SendInternalAsync("POST", $"/_actorrt/invoke/{_gateway.AppId}/m", request.Headers.GetValues(ClusterCredential.HeaderName).Single());
        Assert.NotEqual(StatusCodes.Status401Unauthorized, accepted.Response.StatusCode);
    }

    [Fact]
    public async Task Internal_routes_are_not_served_on_the_public_port()
    {
        using var response = await SendPublicAsync("POST", $"/_actorrt/invoke/{_gateway.AppId}/m", Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendPublicAsync(string method, string path, string? token, string? appId = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null) request.Headers.Add("dapr-api-token", token);
        if (appId is not null) request.Headers.Add("dapr-app-id", appId);
        if (method is not ("GET" or "HEAD" or "DELETE" or "OPTIONS")) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return await _gateway.Http.SendAsync(request);
    }

    private async Task<string?> GrpcStatusAsync(string path, string? token, string? appId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Version = HttpVersion.Version20, Content = new ByteArrayContent(new byte[5]) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (token is not null) request.Headers.Add("dapr-api-token", token);
        if (appId is not null) request.Headers.Add("dapr-app-id", appId);
        using var response = await _gateway.Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
            : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : null;
    }

    private Task<HttpContext> SendInternalAsync(string method, string path, string? credential) =>
        _gateway.Server.SendAsync(c =>
        {
            c.Connection.LocalPort = GatewayTestHost.InternalPort;
            c.Request.Method = method;
            c.Request.Path = path;
            c.Request.Protocol = "HTTP/2";
            c.Request.Headers["dapr-api-token"] = Token;
            if (credential is not null) c.Request.Headers[ClusterCredential.HeaderName] = credential;
        });

    private static IEnumerable<string> Methods(RouteEndpoint e) =>
        e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET", "POST"];

    /// <summary>A concrete path the pattern matches: every parameter gets a plain value.</summary>
    private static string SamplePath(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart l => l.Content,
            RoutePatternSeparatorPart sep => sep.Content,
            RoutePatternParameterPart { IsCatchAll: true } => "p/q",
            RoutePatternParameterPart => "p",
            _ => "",
        }))));
}
