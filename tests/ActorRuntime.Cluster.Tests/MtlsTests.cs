using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using ActorRuntime.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// Two <c>actorrt run</c> processes sharing a home (a machine-local cluster of two silos, each with its gateway), mTLS on
/// with 30-second workload certificates: service invocations and state writes run without a failure through certificate
/// renewals and a root rotation; every runtime port refuses plaintext, no certificate, a stranger's and an expired one;
/// and a caller cannot claim another app's identity with <c>dapr-caller-app-id</c>.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class MtlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Callers = 8;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "actorrt-cluster-tests", "mtls-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _processes = [];
    private readonly ConcurrentQueue<string> _log = new();
    private string Home => Path.Combine(_root, "home");
    private string Ca => Path.Combine(Home, "ca");

    [Fact(Timeout = 300_000)]
    public async Task Every_runtime_port_refuses_strangers_and_access_control_reads_the_certificate_not_the_header()
    {
        var dll = await ActorRuntimeBinary.GetAsync();
        Directory.CreateDirectory(Home);
        var (http, grpc) = (ListeningPorts.Free(), ListeningPorts.Free());
        // No --enable-mtls and no spec.mtls: actorrt run has mTLS on by default and creates the CA on first use.
        File.WriteAllText(Path.Combine(_root, "acl.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: acl
            spec:
              accessControl:
                defaultAction: deny
                trustDomain: public
                policies:
                  - appId: caller
                    defaultAction: allow
                    namespace: default
            """);
        var callee = Start(dll, _root, "callee", ["run", "--app-id", "callee", "--dapr-http-port", $"{http}", "--dapr-grpc-port", $"{grpc}",
            "--config", Path.Combine(_root, "acl.yaml")]);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await WaitAsync(async () => (await client.GetAsync($"http://127.0.0.1:{http}/v1.0/healthz")).IsSuccessStatusCode, TimeSpan.FromSeconds(120), "the runtime did not start");
        Assert.True(File.Exists(Path.Combine(Ca, "issuer.key")), "actorrt run did not create the machine CA");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Ca, "issuer.key")));
        var runtimePorts = await ListeningPorts.WithoutMetricsEndpointAsync(ListeningPorts.Of(callee.Id).Except([http, grpc]));
        output.WriteLine($"runtime ports: {string.Join(", ", runtimePorts)}");
        var internalPort = await FindInternalPortAsync(runtimePorts);
        Assert.True(runtimePorts.Count >= 2, "expected at least the internal port and the silo port");
        await AssertStrangersRefusedAsync(runtimePorts, internalPort);

        // Identity comes from the certificate: mallory claiming to be the caller is denied, the caller itself allowed
        // past access control (then 503: this runtime has no app).
        Assert.Equal(HttpStatusCode.Forbidden, await InternalInvokeAsync(internalPort, "spiffe://public/ns/default/mallory", forgedCaller: "caller"));
        Assert.Equal(HttpStatusCode.Forbidden, await InternalInvokeAsync(internalPort, "spiffe://public/ns/other/caller", forgedCaller: "caller"));
        Assert.NotEqual(HttpStatusCode.Forbidden, await InternalInvokeAsync(internalPort, "spiffe://public/ns/default/caller", forgedCaller: null));
    }

    [Fact(Timeout = 300_000)]
    public async Task Invocations_survive_certificate_renewal_and_root_rotation_and_strangers_are_refused()
    {
        var dll = await ActorRuntimeBinary.GetAsync();
        Directory.CreateDirectory(Home);
        var www = Directory.CreateDirectory(Path.Combine(_root, "www")).FullName;
        // The app: keep-alive HTTP/1.1 with a deep accept queue (python's http.server default of 5 drops connections under load).
        File.WriteAllText(Path.Combine(www, "app.py"), """
            import http.server, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    self.send_response(404 if self.path.startswith("/dapr/") else 200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                def log_message(self, *args):
                    pass
            class Server(http.server.ThreadingHTTPServer):
                request_queue_size = 512
            Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
            """);
        File.WriteAllText(Path.Combine(_root, "caller.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: caller
            spec:
              mtls:
                enabled: true
                workloadCertTTL: 30s
                allowedClockSkew: 1m
            """);
        File.WriteAllText(Path.Combine(_root, "callee.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: callee
            spec:
              mtls:
                enabled: true
                workloadCertTTL: 30s
                allowedClockSkew: 1m
              accessControl:
                defaultAction: deny
                trustDomain: public
                policies:
                  - appId: caller
                    defaultAction: allow
                    namespace: default
            """);
        var (calleeHttp, calleeGrpc, appPort, callerHttp) = (ListeningPorts.Free(), ListeningPorts.Free(), ListeningPorts.Free(), ListeningPorts.Free());
        var callee = Start(dll, www, "callee", ["run", "--app-id", "callee", "--app-port", $"{appPort}", "--dapr-http-port", $"{calleeHttp}",
            "--dapr-grpc-port", $"{calleeGrpc}", "--config", Path.Combine(_root, "callee.yaml"), "--", "python3", "app.py", $"{appPort}"]);
        Start(dll, _root, "caller", ["run", "--app-id", "caller", "--dapr-http-port", $"{callerHttp}", "--dapr-grpc-port", $"{ListeningPorts.Free()}",
            "--config", Path.Combine(_root, "caller.yaml")]);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var invoke = new Uri($"http://127.0.0.1:{callerHttp}/v1.0/invoke/callee/method/echo");
        await WaitAsync(async () => (await http.GetAsync(invoke)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "the caller never reached the callee");

        // The callee's runtime ports: everything it listens on but its API ports (internal port, silo port, client port).
        var runtimePorts = await ListeningPorts.WithoutMetricsEndpointAsync(ListeningPorts.Of(callee.Id).Except([calleeHttp, calleeGrpc]));
        output.WriteLine($"callee runtime ports: {string.Join(", ", runtimePorts)}");
        Assert.True(runtimePorts.Count >= 2, "expected at least the internal port and the silo port");
        var internalPort = await FindInternalPortAsync(runtimePorts);

        // Continuous load: invocations (gateway to gateway over the internal port) and state writes (gateway to silos).
        var failures = new ConcurrentQueue<string>();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Callers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var r = w % 2 == 0
                        ? await http.GetAsync(invoke)
                        : await http.PostAsync($"http://127.0.0.1:{callerHttp}/v1.0/state/statestore",
                            new StringContent($"[{{\"key\":\"w{w}\",\"value\":{n}}}]", System.Text.Encoding.UTF8, "application/json"));
                    if (!r.IsSuccessStatusCode) failures.Enqueue($"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    if (!stop.IsCancellationRequested) failures.Enqueue(e.Message);
                }
                Interlocked.Increment(ref calls);
            }
        })).ToList();

        var clock = Stopwatch.StartNew();
        var firstServed = await TlsProbe.ServerCertificateAsync(internalPort, TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe"));
        // A renewal at 70% of 30 s: wait for the callee to present a newer certificate on a new handshake.
        await WaitAsync(async () => (await TlsProbe.ServerCertificateAsync(internalPort, TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe"))).Thumbprint != firstServed.Thumbprint,
            TimeSpan.FromSeconds(60), "the callee's certificate was not renewed");
        output.WriteLine($"renewed after {clock.Elapsed.TotalSeconds:0.0} s, {calls} calls so far");
        var oldIssuerLeaf = TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe");

        var rotate = ActorRuntimeBinary.Dotnet([dll, "ca", "rotate-root"]);
        rotate.Environment["ACTORRT_HOME"] = Home;
        var (code, text, _) = await ActorRuntimeBinary.RunToEndAsync(rotate, TimeSpan.FromSeconds(60));
        Assert.True(code == 0, text);
        var newIssuer = TestCertificates.IssuerSubject(Ca);
        // After the next renewal the callee presents a certificate from the new issuer, and still takes the old one's.
        await WaitAsync(async () => (await TlsProbe.ServerCertificateAsync(internalPort, TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe"))).Issuer == newIssuer,
            TimeSpan.FromSeconds(60), "the callee never presented a certificate from the rotated root");
        output.WriteLine($"issuing from the new root after {clock.Elapsed.TotalSeconds:0.0} s, {calls} calls so far");
        Assert.True(await TlsProbe.AcceptsTlsAsync(internalPort, oldIssuerLeaf), "a leaf of the old root was refused during the overlap");
        Assert.True(await TlsProbe.AcceptsTlsAsync(internalPort, TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe")), "a leaf of the new root was refused");
        await Task.Delay(TimeSpan.FromSeconds(5));
        stop.Cancel();
        await Task.WhenAll(load);
        output.WriteLine($"{calls} calls, {failures.Count} failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {calls} calls failed: {string.Join(" | ", failures.Take(5))}");
        Assert.True(calls > 100, $"only {calls} calls ran");

        await AssertStrangersRefusedAsync(runtimePorts, internalPort);

        // Identity comes from the certificate: mallory claiming to be the caller is denied, the caller itself allowed.
        Assert.Equal(HttpStatusCode.Forbidden, await InternalInvokeAsync(internalPort, "spiffe://public/ns/default/mallory", forgedCaller: "caller"));
        Assert.Equal(HttpStatusCode.OK, await InternalInvokeAsync(internalPort, "spiffe://public/ns/default/caller", forgedCaller: null));
        Assert.Equal(HttpStatusCode.Forbidden, await InternalInvokeAsync(internalPort, "spiffe://public/ns/other/caller", forgedCaller: "caller"));
    }

    /// <summary>Every runtime port takes a certificate from the trust bundle and refuses anything else.</summary>
    private async Task AssertStrangersRefusedAsync(IReadOnlyList<int> runtimePorts, int internalPort)
    {
        var valid = TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe");
        var expired = TestCertificates.FromCa(Ca, "spiffe://public/ns/default/probe", DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddMinutes(-20));
        var stranger = TestCertificates.FromStranger("spiffe://public/ns/default/caller");
        var problems = new List<string>();
        foreach (var port in runtimePorts)
        {
            var results = (valid: await TlsProbe.AcceptsTlsAsync(port, valid), none: await TlsProbe.AcceptsTlsAsync(port, null),
                stranger: await TlsProbe.AcceptsTlsAsync(port, stranger), expired: await TlsProbe.AcceptsTlsAsync(port, expired),
                plain: await TlsProbe.AcceptsPlaintextAsync(port));
            output.WriteLine($"port {port}: accepts trust-bundle certificate {results.valid}, no certificate {results.none}, stranger {results.stranger}, expired {results.expired}, plaintext {results.plain}");
            if (!results.valid) problems.Add($"port {port} refused a certificate from the trust bundle (control)");
            if (results.none) problems.Add($"port {port} accepted a client without a certificate");
            if (results.stranger) problems.Add($"port {port} accepted a certificate from another CA");
            if (results.expired) problems.Add($"port {port} accepted an expired certificate");
            if (results.plain) problems.Add($"port {port} accepted a plaintext client");
        }
        Assert.Empty(problems);
        using var h2c = new HttpClient(new SocketsHttpHandler());
        var plain = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{internalPort}/_actorrt/invoke/callee/echo")
        { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        await Assert.ThrowsAsync<HttpRequestException>(() => h2c.SendAsync(plain));
    }

    private async Task<HttpStatusCode> InternalInvokeAsync(int port, string spiffeId, string? forgedCaller)
    {
        var certificate = TestCertificates.FromCa(Ca, spiffeId);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = "actorrt",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            },
        };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{port}/_actorrt/invoke/callee/echo")
        { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (forgedCaller is not null)
        {
            request.Headers.TryAddWithoutValidation("dapr-caller-app-id", forgedCaller);
            request.Headers.TryAddWithoutValidation("dapr-caller-namespace", "default");
        }
        using var response = await client.SendAsync(request);
        output.WriteLine($"{spiffeId} (header: {forgedCaller ?? "none"}) -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    /// <summary>The internal port is the one that answers HTTP/2 over TLS.</summary>
    private async Task<int> FindInternalPortAsync(IEnumerable<int> ports)
    {
        foreach (var port in ports)
        {
            try
            {
                await InternalInvokeAsync(port, "spiffe://public/ns/default/probe", null);
                return port;
            }
            catch (HttpRequestException) { }
        }
        throw new InvalidOperationException("no internal port found");
    }

    private Process Start(string dll, string workingDirectory, string name, IReadOnlyList<string> args)
    {
        var psi = ActorRuntimeBinary.Dotnet([dll, .. args]);
        psi.Environment["ACTORRT_HOME"] = Home;
        psi.WorkingDirectory = workingDirectory;
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null && !e.Data.Contains("== APP ==", StringComparison.Ordinal)) _log.Enqueue($"[{name}] {e.Data}"); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue($"[{name}] {e.Data}"); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
        return p;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException) { }
            await Task.Delay(500);
        }
        throw new TimeoutException($"{what} within {limit.TotalSeconds} s");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException) { }
        }
        foreach (var line in _log.TakeLast(60)) output.WriteLine(line.Length > 300 ? line[..300] : line);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
