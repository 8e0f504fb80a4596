using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>Two apps, each with its own gateway from its own <c>actorrt run</c>; started once for the whole class.</summary>
public sealed class TwoAppsFixture : IAsyncLifetime
{
    public InvocationCluster Cluster { get; } = new();
    public InvocationApp Caller { get; private set; } = null!;
    public InvocationApp Callee { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Caller = await Cluster.StartEchoAsync(InvocationCluster.NewAppId("caller"));
        Callee = await Cluster.StartEchoAsync(InvocationCluster.NewAppId("callee"));
        await InvocationCluster.WaitUntilReachableAsync(Caller, Callee.AppId);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Dapr's HTTP service-invocation contract (docs: service_invocation_api; daprd integration tests
/// serviceinvocation/http/{basic,hopbyhop,callerheaders,errors}), between two separately started runtimes.
/// </summary>
[Collection(InvocationCollection.Name)]
public sealed class HttpInvocationTests(TwoAppsFixture apps) : IClassFixture<TwoAppsFixture>
{
    private InvocationApp Caller => apps.Caller;
    private InvocationApp Callee => apps.Callee;

    private async Task<Echoed> SendAsync(HttpRequestMessage request)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = await Caller.Http.SendAsync(request, cts.Token);
        return await Echoed.ReadAsync(response);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Every_verb_reaches_the_callee_with_its_path_query_and_body(string verb)
    {
        var withBody = verb is not "GET";
        using var request = new HttpRequestMessage(new HttpMethod(verb), $"/v1.0/invoke/{Callee.AppId}/method/orders/42/items?page=2&sort=desc%20x");
        if (withBody) request.Content = new StringContent($$"""{"verb":"{{verb}}"}""", Encoding.UTF8, "application/json");

        var echo = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, echo.Status);
        Assert.Equal(verb, echo.Method);
        Assert.Equal("/orders/42/items", echo.Path);
        Assert.Equal("?page=2&sort=desc%20x", echo.Query);
        Assert.StartsWith(Callee.AppId + ":", echo.Instance);
        if (withBody)
        {
            Assert.Equal($$"""{"verb":"{{verb}}"}""", echo.Body);
            Assert.StartsWith("application/json", echo.Header("content-type"));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Request_headers_are_forwarded_and_hop_by_hop_headers_are_stripped()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1.0/invoke/{Callee.AppId}/method/echo-request-headers");
        request.Headers.TryAddWithoutValidation("X-Custom-Header", "should-survive");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "req-001");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer token123");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // Hop-by-hop (RFC 9110 §7.6.1 plus the legacy ones Dapr strips); values that do not trigger a protocol switch.
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5, max=100");
        request.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("HTTP2-Settings", "AAMAAABkAAQAAP__");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("Trailer", "X-Checksum");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic dGVzdDp0ZXN0");

        var echo = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, echo.Status);
        Assert.Equal("should-survive", echo.Header("X-Custom-Header"));
        Assert.Equal("req-001", echo.Header("X-Request-Id"));
        Assert.Equal("Bearer token123", echo.Header("Authorization"));
        Assert.Equal("application/json", echo.Header("Accept"));
        foreach (var hop in new[] { "Keep-Alive", "Proxy-Connection", "Upgrade", "HTTP2-Settings", "TE", "Trailer", "Proxy-Authorization" })
            Assert.True(echo.Header(hop) is null, $"hop-by-hop header {hop} reached the callee: {echo.Raw}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Hop_by_hop_response_headers_are_stripped_and_others_come_back()
    {
        using var response = await Caller.Http.GetAsync($"/v1.0/invoke/{Callee.AppId}/method/respond-with-hop-by-hop");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("should-be-forwarded", response.Headers.TryGetValues("X-Custom-Response", out var v) ? v.Single() : null);
        foreach (var hop in new[] { "Keep-Alive", "Proxy-Connection", "HTTP2-Settings", "Proxy-Authenticate", "Proxy-Authorization", "TE" })
            Assert.False(response.Headers.Contains(hop), $"hop-by-hop response header {hop} came back to the caller");
    }

    [Theory(Timeout = 120_000)]
    [InlineData(201)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task The_apps_status_code_and_body_come_back_unchanged(int status)
    {
        using var response = await Caller.Http.PostAsync($"/v1.0/invoke/{Callee.AppId}/method/status/{status}",
            new StringContent("payload", Encoding.UTF8, "text/plain"));
        var echo = await Echoed.ReadAsync(response);
        Assert.Equal(status, (int)echo.Status);
        Assert.Equal("payload", echo.Body);
        Assert.Equal($"/status/{status}", echo.Path);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith(Callee.AppId + ":", response.Headers.GetValues("x-echo-instance").Single());
    }

    [Fact(Timeout = 120_000)]
    public async Task The_dapr_app_id_header_form_invokes_the_whole_path_and_is_not_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/checkout/100?x=1") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("dapr-app-id", Callee.AppId);
        var echo = await SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, echo.Status);
        Assert.Equal("POST", echo.Method);
        Assert.Equal("/checkout/100", echo.Path);
        Assert.Equal("?x=1", echo.Query);
        Assert.StartsWith(Callee.AppId + ":", echo.Instance);
        Assert.Null(echo.Header("dapr-app-id"));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_basic_auth_form_with_user_dapr_app_id_invokes_the_target()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/inventory/7");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("dapr-app-id:" + Callee.AppId)));
        var echo = await SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, echo.Status);
        Assert.Equal("/inventory/7", echo.Path);
        Assert.StartsWith(Callee.AppId + ":", echo.Instance);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_callee_sees_caller_and_callee_app_ids_that_the_caller_cannot_forge()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1.0/invoke/{Callee.AppId}/method/who");
        request.Headers.Add("dapr-caller-app-id", "forged-caller");
        request.Headers.Add("dapr-callee-app-id", "forged-callee");
        var echo = await SendAsync(request);
        Assert.Equal(Caller.AppId, echo.Header("dapr-caller-app-id"));
        Assert.Equal(Callee.AppId, echo.Header("dapr-callee-app-id"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Traceparent_is_propagated_to_the_callee_and_returned_to_the_caller()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1.0/invoke/{Callee.AppId}/method/traced");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{spanId}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=value");

        var echo = await SendAsync(request);

        var atCallee = echo.Header("traceparent");
        Assert.NotNull(atCallee);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", atCallee);
        Assert.Equal(traceId, atCallee!.Split('-')[1]);
        Assert.True(echo.Response.Headers.TryGetValues("traceparent", out var returned), $"no traceparent on the response: {echo.Response.Headers}");
        Assert.Equal(traceId, returned!.Single().Split('-')[1]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Without_traceparent_one_is_created_and_sent_to_the_callee()
    {
        var echo = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1.0/invoke/{Callee.AppId}/method/untraced"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", echo.Header("traceparent") ?? "");
        Assert.NotEqual(new string('0', 32), echo.Header("traceparent")!.Split('-')[1]);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_target_that_does_not_exist_fails_fast_with_500_ERR_DIRECT_INVOKE()
    {
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Caller.Http.GetAsync("/v1.0/invoke/no-such-app-xyz/method/anything", cts.Token);
        sw.Stop();
        await DaprErrorBody.ExpectAsync(response, 500, "ERR_DIRECT_INVOKE", "invoking an unknown app id");
        // Dapr's built-in retries (3 × 1 s) bound this; it must never hang.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"the failure took {sw.Elapsed.TotalSeconds:0.0} s");
    }

    [Theory(Timeout = 120_000)]
    [InlineData("/v1.0/invoke/x")]
    [InlineData("/v1.0/invoke/x/")]
    [InlineData("/v1.0/invoke/x/notmethod/y")]
    public async Task An_invoke_url_without_method_is_404_ERR_DIRECT_INVOKE(string path)
    {
        using var response = await Caller.Http.GetAsync(path);
        await DaprErrorBody.ExpectAsync(response, 404, "ERR_DIRECT_INVOKE", path);
    }

    [Fact(Timeout = 120_000)]
    public async Task One_hundred_parallel_calls_all_succeed()
    {
        var calls = Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await Caller.Http.PostAsync($"/v1.0/invoke/{Callee.AppId}/method/parallel/{i}", new StringContent(i.ToString()));
            var echo = await Echoed.ReadAsync(response);
            return echo.Status == HttpStatusCode.OK && echo.Body == i.ToString() && echo.Path == $"/parallel/{i}";
        });
        var results = await Task.WhenAll(calls);
        Assert.All(results, Assert.True);
    }
}
