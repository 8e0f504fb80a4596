namespace ActorRuntime.Components.Middleware;

/// <summary>
/// The request a middleware works on, whichever way it travels: an incoming ASP.NET Core request
/// (<see cref="HttpContextMiddlewareRequest"/>) or an outgoing call to the app (<see cref="HttpRequestMessageMiddlewareRequest"/>).
/// </summary>
public abstract class MiddlewareRequest
{
    public abstract string Method { get; }

    /// <summary>The path, starting with '/'; setting it rewrites where the request goes.</summary>
    public abstract string Path { get; set; }

    /// <summary>The query without its '?', empty when none.</summary>
    public abstract string Query { get; set; }

    /// <summary>The caller's address (the peer of the connection), or null when there is none (calls into the app).</summary>
    public abstract string? RemoteAddress { get; }

    /// <summary>The header's value (several joined with ", "), or null.</summary>
    public abstract string? GetHeader(string name);

    /// <summary>Replaces the header.</summary>
    public abstract void SetHeader(string name, string value);

    /// <summary>Adds a value to the header, keeping those there.</summary>
    public abstract void AddHeader(string name, string value);

    /// <summary>The whole body (buffered, so later steps can read it again).</summary>
    public abstract ValueTask<byte[]> ReadBodyAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the body; the content length follows.</summary>
    public abstract void SetBody(byte[] body);

    /// <summary>Path and query as one string, <c>/path?query</c>.</summary>
    public string PathAndQuery => Query.Length == 0 ? Path : $"{Path}?{Query}";
}
