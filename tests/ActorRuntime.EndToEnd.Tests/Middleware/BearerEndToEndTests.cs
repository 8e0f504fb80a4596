using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Middleware;

/// <summary>
/// <c>middleware.http.bearer</c> in <c>spec.httpPipeline</c>, with the component and Configuration files as Dapr's docs
/// write them: the issuer's keys are found through OpenID discovery on a provider in this process, tokens are signed
/// here. Unauthenticated calls are refused with 401 on <c>actorrt run</c> and on a standalone <c>actorrt gateway</c>.
/// </summary>
public sealed class BearerEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Audience = "orders-api";
    private readonly TestJwt _jwt = new();
    private LocalEndpoint _provider = null!;
    private string Issuer => _provider.BaseUrl;

    public Task InitializeAsync()
    {
        _provider = new LocalEndpoint((request, _) => request.Url!.AbsolutePath switch
        {
            "/.well-known/openid-configuration" => (200, "application/json", $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{Issuer}}/keys"}"""),
            "/keys" => (200, "application/json", _jwt.Jwks()),
            _ => (404, "text/plain", "not found"),
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        _jwt.Dispose();
    }

    private void Prepare(RuntimeSandbox sandbox)
    {
        sandbox.AddComponent("bearer-token", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: bearer-token
            spec:
              type: middleware.http.bearer
              version: v1
              metadata:
                - name: audience
                  value: "{Audience}"
                - name: issuer
                  value: "{Issuer}"
            """);
        File.WriteAllText(ConfigPath(sandbox), """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            spec:
              httpPipeline:
                handlers:
                - name: bearer-token
                  type: middleware.http.bearer
            """);
    }

    private static string ConfigPath(RuntimeSandbox sandbox) => Path.Combine(sandbox.Root, "config.yaml");

    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task Actorrt_run_refuses_calls_without_a_valid_token_and_serves_those_with_one()
    {
        using var sandbox = new RuntimeSandbox();
        sandbox.AddInMemory("statestore");
        Prepare(sandbox);
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions { ExtraArguments = ["--config", ConfigPath(sandbox)] });
        var http = runtime.Http;

        var anonymous = await http.SendAsync(Get("/v1.0/state/statestore/k", null));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Unauthorized", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Get("/v1.0/metadata", "not.a.token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Get("/v1.0/metadata", _jwt.Token(Issuer, "another-audience")))).StatusCode);

        var token = _jwt.Token(Issuer, Audience);
        var save = new HttpRequestMessage(HttpMethod.Post, "/v1.0/state/statestore") { Content = new StringContent("""[{"key":"k","value":"v"}]""") };
        save.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(save)).StatusCode);
        var read = await http.SendAsync(Get("/v1.0/state/statestore/k", token));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"v\"", await read.Content.ReadAsStringAsync());

        // Probes carry no credentials: health stays open.
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(Get("/v1.0/healthz", null))).StatusCode);
        Assert.DoesNotContain(token, runtime.Output);
    }

    [Fact]
    public async Task A_standalone_gateway_runs_the_pipeline_too()
    {
        await ExternalServices.EnsureRedisAsync();
        using var sandbox = new RuntimeSandbox();
        Prepare(sandbox);
        File.WriteAllText(Path.Combine(sandbox.Root, "secrets.json"), """{"greeting": "hello"}""");
        sandbox.AddComponent("files", ComponentYaml.Component("files", "secretstores.local.file", ("secretsFile", "secrets.json")));
        var http = LocalEndpoint.FreePort();
        var psi = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = sandbox.Root };
        foreach (var a in new[]
        {
            await RuntimeBinary.GetAsync(), "gateway", "--app-id", sandbox.AppId, "--resources-path", sandbox.Resources, "--config", ConfigPath(sandbox),
            "--cluster", "redis", "--connection-string", ExternalServices.RedisHost, "--cluster-id", "no-silo-" + sandbox.AppId,
            "--dapr-http-port", http.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dapr-grpc-port", LocalEndpoint.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
            psi.ArgumentList.Add(a);
        DotnetHost.CleanEnvironment(psi);
        psi.Environment["ACTORRT_HOME"] = sandbox.Home;
        var lines = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(5) };
            var token = _jwt.Token(Issuer, Audience);
            HttpStatusCode? withToken = null;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90) && !process.HasExited)
            {
                try
                {
                    var response = await client.SendAsync(Get("/v1.0/secrets/files/greeting", token));
                    if (response.StatusCode == HttpStatusCode.OK) { withToken = response.StatusCode; break; }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
            if (withToken is null) output.WriteLine(string.Join('\n', lines));
            Assert.Equal(HttpStatusCode.OK, withToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Get("/v1.0/secrets/files/greeting", null))).StatusCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
