namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// Who a call is for: an app id, optionally <c>app.namespace</c> (Dapr splits on the one dot), or an external
/// <c>http(s)://</c> base URL (<see cref="ExternalBase"/>) for non-Dapr endpoints.
/// </summary>
public sealed record InvocationTarget(string AppId, string? Namespace, Uri? ExternalBase = null)
{
    public string Display => ExternalBase?.ToString() ?? (Namespace is null ? AppId : $"{AppId}.{Namespace}");

    /// <summary>Parses a target as written in the URL (percent-encoded URLs allowed); null when it is not valid.</summary>
    public static InvocationTarget? Parse(string raw)
    {
        var text = Uri.UnescapeDataString(raw);
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return Uri.TryCreate(text, UriKind.Absolute, out var url) ? new InvocationTarget(text, null, url) : null;
        if (text.Length == 0) return null;
        var parts = text.Split('.');
        return parts.Length switch
        {
            1 => new InvocationTarget(text, null),
            2 when parts[0].Length > 0 && parts[1].Length > 0 => new InvocationTarget(parts[0], parts[1]),
            _ => null,
        };
    }
}
