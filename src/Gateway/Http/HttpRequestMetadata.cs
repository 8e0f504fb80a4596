using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

internal static class HttpRequestMetadata
{
    private const string Prefix = "metadata.";

    /// <summary>Dapr passes per-request metadata as <c>?metadata.name=value</c> query parameters.</summary>
    public static Dictionary<string, string> FromQuery(HttpRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Query)
        {
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && name.Length > Prefix.Length)
                result[name[Prefix.Length..]] = values.ToString();
        }
        return result;
    }

    public static void WriteResponseMetadata(HttpResponse response, string name, string value) =>
        response.Headers[Prefix + name] = value;
}
