using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using StackExchange.Redis;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Bench.Targets;

/// <summary>Something that can save and read back the bench's state items by key index.</summary>
internal interface IStateTarget
{
    ValueTask SaveAsync(int key);
    ValueTask GetAsync(int key);
}

/// <summary>
/// The keys and their values: <c>k0000</c>…, each with a JSON object of exactly <c>payloadBytes</c> bytes, so every
/// target moves the same bytes. Values differ per key, so a wrong answer is visible as a wrong length only rarely;
/// the targets check status and length, which is what is cheap enough to do inside the timed loop.
/// </summary>
internal sealed class Payloads
{
    public Payloads(int keys, int payloadBytes)
    {
        Keys = new string[keys];
        Values = new byte[keys][];
        for (var i = 0; i < keys; i++)
        {
            Keys[i] = $"k{i:D4}";
            var head = $"{{\"id\":{i},\"name\":\"item-{i:D5}\",\"qty\":{i % 17},\"price\":{i % 100}.25,\"tags\":[\"bench\",\"state\"],\"note\":\"";
            const string tail = "\"}";
            var pad = Math.Max(0, payloadBytes - head.Length - tail.Length);
            Values[i] = Encoding.UTF8.GetBytes(head + new string('x', pad) + tail);
        }
    }

    public string[] Keys { get; }
    public byte[][] Values { get; }
    public int Count => Keys.Length;
    public int ValueLength(int key) => Values[key].Length;
}

/// <summary>Dapr's state HTTP API: <c>POST /v1.0/state/{store}</c> with one item, <c>GET /v1.0/state/{store}/{key}</c>.</summary>
internal sealed class HttpStateTarget : IStateTarget
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly Payloads _payloads;
    private readonly Uri _saveUri;
    private readonly Uri[] _getUris;
    private readonly byte[][] _saveBodies;

    public HttpStateTarget(HttpClient http, string baseUrl, string store, Payloads payloads)
    {
        _http = http;
        _payloads = payloads;
        _saveUri = new Uri($"{baseUrl}/v1.0/state/{store}");
        _getUris = payloads.Keys.Select(k => new Uri($"{baseUrl}/v1.0/state/{store}/{k}")).ToArray();
        _saveBodies = Enumerable.Range(0, payloads.Count)
            .Select(i => Encoding.UTF8.GetBytes($"[{{\"key\":\"{payloads.Keys[i]}\",\"value\":{Encoding.UTF8.GetString(payloads.Values[i])}}}]"))
            .ToArray();
    }

    public async ValueTask SaveAsync(int key)
    {
        var content = new ByteArrayContent(_saveBodies[key]);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _saveUri) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.NoContent) throw await Unexpected(response, "save");
    }

    public async ValueTask GetAsync(int key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _getUris[key]);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK) throw await Unexpected(response, "get");
        var body = await response.Content.ReadAsByteArrayAsync();
        if (body.Length != _payloads.ValueLength(key)) throw new InvalidDataException($"get {_payloads.Keys[key]}: {body.Length} bytes, expected {_payloads.ValueLength(key)}");
    }

    private static async Task<Exception> Unexpected(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new InvalidDataException($"{what}: HTTP {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
    }
}

/// <summary>Dapr's gRPC API (<c>dapr.proto.runtime.v1.Dapr</c>) through the Dapr.Protos client stub.</summary>
internal sealed class GrpcStateTarget(DaprGrpc.Dapr.DaprClient client, string store, Payloads payloads) : IStateTarget
{
    private readonly ByteString[] _values = payloads.Values.Select(v => ByteString.CopyFrom(v)).ToArray();

    public async ValueTask SaveAsync(int key)
    {
        var request = new DaprGrpc.SaveStateRequest { StoreName = store };
        request.States.Add(new DaprGrpc.StateItem { Key = payloads.Keys[key], Value = _values[key] });
        await client.SaveStateAsync(request);
    }

    public async ValueTask GetAsync(int key)
    {
        var response = await client.GetStateAsync(new DaprGrpc.GetStateRequest { StoreName = store, Key = payloads.Keys[key] });
        if (response.Data.Length != payloads.ValueLength(key))
            throw new InvalidDataException($"get {payloads.Keys[key]}: {response.Data.Length} bytes, expected {payloads.ValueLength(key)}");
    }
}

/// <summary>StackExchange.Redis with plain strings: <c>SET key value</c> and <c>GET key</c>, the least a client can do.</summary>
internal sealed class RedisStringTarget(IDatabase db, string keyPrefix, Payloads payloads) : IStateTarget
{
    private readonly RedisKey[] _keys = payloads.Keys.Select(k => (RedisKey)(keyPrefix + k)).ToArray();
    public IEnumerable<RedisKey> AllKeys => _keys;

    public async ValueTask SaveAsync(int key) => await db.StringSetAsync(_keys[key], payloads.Values[key]);

    public async ValueTask GetAsync(int key)
    {
        using var lease = await db.StringGetLeaseAsync(_keys[key]);
        if (lease is null || lease.Length != payloads.ValueLength(key))
            throw new InvalidDataException($"get {_keys[key]}: {lease?.Length.ToString() ?? "nil"}, expected {payloads.ValueLength(key)} bytes");
    }
}

/// <summary>
/// StackExchange.Redis doing what a versioned state store needs in Dapr's layout (a hash with <c>data</c> and an
/// integer <c>version</c>): one Lua script per save (read the version, write data and version+1, clear any expiry)
/// and one per get (type check, HMGET, PTTL). Same Redis commands per op as the runtime's state.redis store, without
/// the runtime; written for this bench.
/// </summary>
internal sealed class RedisScriptTarget(IDatabase db, string keyPrefix, Payloads payloads) : IStateTarget
{
    private const string SaveScript = """
        local version = 0
        if redis.call('EXISTS', KEYS[1]) == 1 then version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0') or 0 end
        version = version + 1
        redis.call('HSET', KEYS[1], 'data', ARGV[1], 'version', tostring(version))
        redis.call('PERSIST', KEYS[1])
        return {tostring(version)}
        """;

    private const string GetScript = """
        if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return false end
        local found = redis.call('HMGET', KEYS[1], 'data', 'version')
        if not found[1] then return false end
        return {found[1], found[2] or '0', redis.call('PTTL', KEYS[1])}
        """;

    private readonly RedisKey[][] _keys = payloads.Keys.Select(k => new RedisKey[] { keyPrefix + k }).ToArray();
    private readonly RedisValue[][] _args = payloads.Values.Select(v => new RedisValue[] { v }).ToArray();
    public IEnumerable<RedisKey> AllKeys => _keys.Select(k => k[0]);

    public async ValueTask SaveAsync(int key) => await db.ScriptEvaluateAsync(SaveScript, _keys[key], _args[key]);

    public async ValueTask GetAsync(int key)
    {
        var result = await db.ScriptEvaluateAsync(GetScript, _keys[key]);
        if (result.IsNull || ((byte[]?)((RedisResult[])result!)[0])?.Length != payloads.ValueLength(key))
            throw new InvalidDataException($"get {_keys[key][0]}: missing or wrong length");
    }
}
