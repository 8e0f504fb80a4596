namespace ActorRuntime.Components.Middleware;

/// <summary>A call the runtime is about to send into the app, changed before it is sent.</summary>
public sealed class HttpRequestMessageMiddlewareRequest(HttpRequestMessage request) : MiddlewareRequest
{
    private Uri Uri => request.RequestUri ?? throw new InvalidOperationException("the request has no address");

    public override string Method => request.Method.Method;

    public override string Path
    {
        get => Uri.IsAbsoluteUri ? Uri.AbsolutePath : Uri.OriginalString.Split('?', 2)[0];
        set => Rewrite(value, Query);
    }

    public override string Query
    {
        get => Uri.IsAbsoluteUri ? Uri.Query.TrimStart('?') : (Uri.OriginalString.Split('?', 2) is [_, var q] ? q : "");
        set => Rewrite(Path, value);
    }

    public override string? RemoteAddress => null;

    public override string? GetHeader(string name)
    {
        if (request.Headers.TryGetValues(name, out var values)) return string.Join(", ", values);
        if (request.Content is not null && request.Content.Headers.TryGetValues(name, out var content)) return string.Join(", ", content);
        return null;
    }

    public override void SetHeader(string name, string value)
    {
        if (IsContentHeader(name))
        {
            request.Content ??= new ByteArrayContent([]);
            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
            return;
        }
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    public override void AddHeader(string name, string value)
    {
        if (IsContentHeader(name)) { request.Content ??= new ByteArrayContent([]); request.Content.Headers.TryAddWithoutValidation(name, value); }
        else request.Headers.TryAddWithoutValidation(name, value);
    }

    public override async ValueTask<byte[]> ReadBodyAsync(CancellationToken cancellationToken)
    {
        if (request.Content is null) return [];
        var body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        SetBody(body); // a streamed body can be read once: keep a copy for the send
        return body;
    }

    public override void SetBody(byte[] body)
    {
        var old = request.Content;
        var content = new ByteArrayContent(body);
        if (old is not null)
            foreach (var h in old.Headers)
                if (!string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    content.Headers.TryAddWithoutValidation(h.Key, h.Value);
        content.Headers.ContentLength = body.Length;
        request.Content = content;
    }

    private void Rewrite(string path, string query)
    {
        var builder = new UriBuilder(Uri) { Path = path, Query = query };
        request.RequestUri = builder.Uri;
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);
}
