using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>
/// <c>actorrt gateway</c> connects no store the silos own, but serves its app's secret stores itself: they answer
/// even before (here: without) any silo, since no grain is involved.
/// </summary>
public sealed class GatewayModeSecretsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_standalone_gateway_serves_secrets_without_a_silo()
    {
        await ExternalServices.EnsureRedisAsync();
        using var sandbox = new RuntimeSandbox();
        File.WriteAllText(Path.Combine(sandbox.Root, "secrets.json"), """{"greeting": "from-the-gateway"}""");
        sandbox.AddComponent("files", ComponentYaml.Component("files", "secretstores.local.file", ("secretsFile", "secrets.json")));
        var (http, grpc) = (FreePort(), FreePort());

        var psi = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = sandbox.Root,
        };
        foreach (var a in new[]
        {
            await RuntimeBinary.GetAsync(), "gateway", "--app-id", sandbox.AppId, "--resources-path", sandbox.Resources,
            "--cluster", "redis", "--connection-string", ExternalServices.RedisHost, "--cluster-id", "no-silo-" + sandbox.AppId,
            "--dapr-http-port", http.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dapr-grpc-port", grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
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
            var deadline = DateTime.UtcNow.AddSeconds(90);
            string? body = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    var response = await client.GetAsync("/v1.0/secrets/files/greeting");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        body = await response.Content.ReadAsStringAsync();
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
            if (body is null) output.WriteLine(string.Join('\n', lines));
            Assert.Equal("{\"greeting\":\"from-the-gateway\"}", body);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
