using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings.Http;

/// <summary>
/// <c>bindings.http</c>: one HTTP request per call to <c>url</c> (plus the request's <c>path</c> metadata), the
/// operation being the verb (<c>create</c> is <c>post</c>, as in Dapr). Request metadata whose name starts with a
/// capital letter is sent as a header. The answer's metadata holds <c>statusCode</c>, <c>status</c> and every response
/// header; a non-2xx status is an error (with that metadata) unless <c>errorIfNot2XX</c> is false.
/// </summary>
public sealed class HttpBinding : IOutputBinding
{
    private static readonly HashSet<string> WithBody = new(StringComparer.Ordinal) { "POST", "PUT", "PATCH" };
    private static readonly HashSet<string> WithoutBody = new(StringComparer.Ordinal) { "GET", "HEAD", "DELETE", "OPTIONS", "TRACE" };
    private readonly HttpBindingOptions _options;
    private HttpClient? _client;

    public HttpBinding(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        _options = HttpBindingOptions.FromMetadata(definition.GetMetadata());
    }

    public string Name { get; }
    public string Type { get; }
    public IReadOnlyList<string> Operations { get; } = ["create", "get", "head", "post", "put", "patch", "delete", "options", "trace"];
    public IReadOnlyList<string> Capabilities => OutputBindingCapabilities.OutputOnly;

    public Task InitAsync(CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            SslOptions = TlsOptions(),
        };
        _client ??= new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return Task.CompletedTask;
    }

    private SslClientAuthenticationOptions TlsOptions()
    {
        var tls = new SslClientAuthenticationOptions();
        if (_options.ClientCertificate is { } client) tls.ClientCertificates = new X509CertificateCollection { client };
        if (_options.RootCertificates is { } roots)
        {
            // MTLSRootCA replaces the system roots for this binding, as Go's tls.Config.RootCAs does.
            tls.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            tls.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }
        return tls;
    }

    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException($"binding '{Name}' is not initialised");
        var method = request.Operation.ToUpperInvariant();
        if (method == "CREATE") method = "POST";
        var hasBody = WithBody.Contains(method);
        if (!hasBody && !WithoutBody.Contains(method)) throw new BindingOperationException($"invalid operation: {request.Operation}");
        var md = request.Metadata;
        var errorIfNot2XX = md.TryGetValue("errorIfNot2XX", out var e2) && e2.Length > 0 ? IsTruthy(e2) : _options.ErrorIfNot2XX;

        using var message = new HttpRequestMessage(new HttpMethod(method), Target(md));
        if (hasBody)
        {
            message.Content = new ReadOnlyMemoryContent(request.Data);
            if (!md.ContainsKey("Content-Type")) message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        }
        if (!md.ContainsKey("Accept")) message.Headers.TryAddWithoutValidation("Accept", "application/json; charset=utf-8");
        if (!string.IsNullOrEmpty(_options.SecurityToken) && !string.IsNullOrEmpty(_options.SecurityTokenHeader))
            SetHeader(message, _options.SecurityTokenHeader, _options.SecurityToken);
        foreach (var (key, value) in md)
            if (key.Length > 0 && key[0] is >= 'A' and <= 'Z') SetHeader(message, key, value);
        foreach (var trace in new[] { "traceparent", "tracestate" })
            if (md.TryGetValue(trace, out var v) && v.Length > 0) SetHeader(message, trace, v);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.ResponseTimeout is { } rt) timeout.CancelAfter(rt);
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        var body = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);

        var code = (int)response.StatusCode;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["statusCode"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = $"{code} {response.ReasonPhrase}".TrimEnd(),
        };
        AddHeaders(metadata, response.Headers);
        AddHeaders(metadata, response.Content.Headers);
        var result = new BindingResponse(body, metadata);
        if (errorIfNot2XX && code / 100 != 2) throw new BindingOperationException($"received status code {code}", result);
        return result;
    }

    private Uri Target(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("path", out var path) || path.Length == 0) return _options.Url;
        var text = _options.Url.OriginalString.TrimEnd('/') + "/" + path.TrimStart('/');
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new BindingOperationException($"path '{path}' does not make a valid URL");
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var copy = new MemoryStream();
        var limit = _options.MaxResponseBodySize;
        var buffer = new byte[16 * 1024];
        int read;
        // Like Go's LimitReader: the body is cut at the limit, not refused.
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            var take = limit > 0 ? (int)Math.Min(read, limit - copy.Length) : read;
            copy.Write(buffer, 0, take);
            if (limit > 0 && copy.Length >= limit) break;
        }
        return copy.ToArray();
    }

    private static void SetHeader(HttpRequestMessage message, string name, string value)
    {
        try
        {
            message.Headers.Remove(name);
            if (message.Headers.TryAddWithoutValidation(name, value)) return;
        }
        catch (InvalidOperationException)
        {
            // A content header name (Content-Type, ...): .NET keeps those on the body.
        }
        // Content headers (Content-Type, ...) belong to the body; a request without one has nowhere to put them.
        if (message.Content is { } content)
        {
            content.Headers.Remove(name);
            content.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static void AddHeaders(Dictionary<string, string> metadata, HttpHeaders headers)
    {
        foreach (var (name, values) in headers) metadata[Canonical(name)] = string.Join(", ", values);
    }

    /// <summary>Go's canonical header form (<c>content-type</c> → <c>Content-Type</c>), the keys Dapr's metadata uses.</summary>
    private static string Canonical(string name)
    {
        var sb = new StringBuilder(name.Length);
        var upper = true;
        foreach (var c in name)
        {
            sb.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            upper = c == '-';
        }
        return sb.ToString();
    }

    private static bool IsTruthy(string value) => value.Trim().ToLowerInvariant() is "true" or "1" or "y" or "yes" or "on";

    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _client = null;
        return ValueTask.CompletedTask;
    }
}
