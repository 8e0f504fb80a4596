using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>What <c>GET /v1.0/state/{store}/{key}</c> answered.</summary>
public sealed record StateRead(HttpStatusCode Status, string Body, string? ETag, IReadOnlyDictionary<string, string> Headers)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>Thin helpers over Dapr's state HTTP API: raw requests plus the status assertions every test repeats.</summary>
public sealed class StateHttp(HttpClient http)
{
    public HttpClient Client => http;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public Task<HttpResponseMessage> PostAsync(string path, string body) => http.PostAsync(path, Json(body));

    public Task<HttpResponseMessage> SaveRawAsync(string store, JsonNode items, string query = "") =>
        http.PostAsync($"/v1.0/state/{store}{query}", Json(items));

    /// <summary>Saves one item and asserts 204 with an empty body.</summary>
    public async Task SaveAsync(string store, string key, JsonNode? value, string query = "", JsonObject? extra = null)
    {
        var item = new JsonObject { ["key"] = key, ["value"] = value?.DeepClone() };
        if (extra is not null)
            foreach (var (k, v) in extra) item[k] = v?.DeepClone();
        using var response = await SaveRawAsync(store, new JsonArray(item), query);
        await ExpectAsync(response, HttpStatusCode.NoContent, $"save {store}/{key}");
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Saves one item whose value is given as raw JSON text (sent byte for byte) and asserts 204.</summary>
    public async Task SaveJsonTextAsync(string store, string key, string valueJson, string query = "")
    {
        var body = "[{\"key\":" + JsonSerializer.Serialize(key) + ",\"value\":" + valueJson + "}]";
        using var response = await http.PostAsync($"/v1.0/state/{store}{query}", Json(body));
        await ExpectAsync(response, HttpStatusCode.NoContent, $"save {store}/{key}");
    }

    public async Task<StateRead> GetAsync(string store, string key, string query = "")
    {
        using var response = await http.GetAsync($"/v1.0/state/{store}/{key}{query}");
        var body = await response.Content.ReadAsStringAsync();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers) headers[name] = string.Join(",", values);
        foreach (var (name, values) in response.Content.Headers) headers[name] = string.Join(",", values);
        headers.TryGetValue("ETag", out var etag);
        return new StateRead(response.StatusCode, body, etag, headers);
    }

    /// <summary>GET that must find the key: 200, a body, and an ETag header.</summary>
    public async Task<StateRead> GetExistingAsync(string store, string key)
    {
        var read = await GetAsync(store, key);
        Assert.True(read.Status == HttpStatusCode.OK, $"GET {store}/{key}: expected 200, got {(int)read.Status} {read.Body}");
        Assert.False(string.IsNullOrEmpty(read.ETag), $"GET {store}/{key}: no ETag header");
        return read;
    }

    public async Task AssertMissingAsync(string store, string key)
    {
        var read = await GetAsync(store, key);
        Assert.True(read.Status == HttpStatusCode.NoContent, $"GET {store}/{key}: expected 204 (absent), got {(int)read.Status} {read.Body}");
        Assert.Equal("", read.Body);
    }

    public Task<HttpResponseMessage> DeleteAsync(string store, string key, string? ifMatch = null, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1.0/state/{store}/{key}{query}");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return http.SendAsync(request);
    }

    public async Task<JsonArray> BulkGetAsync(string store, params string[] keys)
    {
        var body = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)JsonValue.Create(k))]), ["parallelism"] = 4 };
        using var response = await http.PostAsync($"/v1.0/state/{store}/bulk", Json(body));
        var text = await ExpectAsync(response, HttpStatusCode.OK, $"bulk get {store}");
        return JsonNode.Parse(text) as JsonArray ?? throw new Xunit.Sdk.XunitException($"bulk get {store}: not a JSON array: {text}");
    }

    public Task<HttpResponseMessage> TransactionAsync(string store, JsonNode body) =>
        http.PostAsync($"/v1.0/state/{store}/transaction", Json(body));

    public Task<HttpResponseMessage> QueryAsync(string store, JsonNode query) =>
        http.PostAsync($"/v1.0-alpha1/state/{store}/query", Json(query));

    /// <summary>Asserts the status and returns the body; the message carries the body to explain a failure.</summary>
    public static async Task<string> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{what}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Asserts Dapr's error shape: the status, a JSON body with <c>errorCode</c> and a non-empty <c>message</c>.</summary>
    public static async Task<JsonObject> ExpectErrorAsync(HttpResponseMessage response, int status, string errorCode, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{what}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json",
            $"{what}: error body should be application/json, was '{response.Content.Headers.ContentType}'");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"{what}: error body is not a JSON object ({ex.Message}): {body}");
        }
        Assert.True(json["errorCode"]?.GetValue<string>() == errorCode, $"{what}: expected errorCode {errorCode}: {body}");
        Assert.False(string.IsNullOrWhiteSpace(json["message"]?.GetValue<string>()), $"{what}: error has no message: {body}");
        return json;
    }
}
