using System.Net.Http.Headers;

namespace ActorRuntime.Grains.Actors;

/// <summary>
/// The HTTP form of an actor call and its answer, shared by the two ways a grain reaches a hosting app: over the
/// network to its gateway's internal port, and in process straight to its app channel.
/// </summary>
public static class ActorHttpMessages
{
    /// <summary>
    /// Marks a timer or reminder callback on its way to the hosting gateway, which applies the app's whole actor policy
    /// to it (a method call got retry and breaker at the caller's gateway already). Never passed on to the app.
    /// </summary>
    public const string CallbackHeader = "x-actorrt-actor-callback";

    /// <summary>The hosting gateway's mark on an error it made itself (not the app's answer); same name as between invocation gateways.</summary>
    public const string GatewayErrorHeader = "x-actorrt-gateway-error";

    public static HttpRequestMessage Request(HttpMethod method, Uri uri, byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var ct)) request.Content.Headers.ContentType = ct;
        }
        foreach (var (name, value) in headers)
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content?.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static async Task<ActorAnswer> AnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Headers
            .Where(h => !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v))).ToList();
        return new ActorAnswer((int)response.StatusCode, bytes, response.Content.Headers.ContentType?.ToString(), headers, GatewayFailure(response, bytes));
    }

    /// <summary>A Dapr error (<c>{"errorCode","message"}</c>) the hosting gateway answered instead of the app, e.g. a resiliency timeout.</summary>
    private static ActorFailure? GatewayFailure(HttpResponseMessage response, byte[] body)
    {
        if (!response.Headers.Contains(GatewayErrorHeader) || body.Length == 0) return null;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && json.RootElement.TryGetProperty("errorCode", out var code) && code.ValueKind == System.Text.Json.JsonValueKind.String
                && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == System.Text.Json.JsonValueKind.String
                ? new ActorFailure(code.GetString()!, message.GetString()!, (int)response.StatusCode)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
