using System.Net;
using System.Text.Json.Nodes;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>What EchoApp reported about the request it received, plus the response as the caller saw it.</summary>
public sealed record Echoed(
    HttpStatusCode Status, string Instance, string Method, string Path, string Query,
    IReadOnlyDictionary<string, string> Headers, string? Body, long BodyLength, HttpResponseMessage Response, string Raw)
{
    /// <summary>Reads an EchoApp answer; fails with the raw body when it is not one (e.g. a sidecar error).</summary>
    public static async Task<Echoed> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        JsonNode? json;
        try { json = JsonNode.Parse(raw); }
        catch (System.Text.Json.JsonException) { json = null; }
        if (json?["instance"] is null)
            throw new Xunit.Sdk.XunitException($"expected an EchoApp answer, got {(int)response.StatusCode}: {raw}");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in json["headers"]!.AsObject()) headers[k] = v?.GetValue<string>() ?? "";
        return new Echoed(
            response.StatusCode,
            json["instance"]!.GetValue<string>(),
            json["method"]!.GetValue<string>(),
            json["path"]!.GetValue<string>(),
            json["query"]!.GetValue<string>(),
            headers,
            json["body"]?.GetValue<string>(),
            json["bodyLength"]!.GetValue<long>(),
            response,
            raw);
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>Dapr's error body: <c>{"errorCode":"ERR_...","message":"..."}</c>.</summary>
public static class DaprErrorBody
{
    public static async Task<(int Status, string? ErrorCode, string Raw)> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        string? code = null;
        try { code = JsonNode.Parse(raw)?["errorCode"]?.GetValue<string>(); }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException) { }
        return ((int)response.StatusCode, code, raw);
    }

    public static async Task ExpectAsync(HttpResponseMessage response, int status, string errorCode, string what)
    {
        var (s, code, raw) = await ReadAsync(response);
        Assert.True(s == status && code == errorCode, $"{what}: expected {status} {errorCode}, got {s} {raw}");
    }
}
