using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.Bindings.Redis;

/// <summary>
/// <c>bindings.redis</c>: <c>create</c> (SET, with <c>ttlInSeconds</c>), <c>get</c> (with <c>delete: "true"</c>, GETDEL),
/// <c>delete</c> and <c>increment</c> (INCR, with <c>ttlInSeconds</c>) on the key in the request's <c>key</c> metadata.
/// The value is stored as the bytes the app sent, so Dapr and this runtime read each other's keys.
/// </summary>
public sealed class RedisBinding : IOutputBinding
{
    private readonly ConfigurationOptions _connection;
    private ConnectionMultiplexer? _redis;

    public RedisBinding(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        _connection = RedisConnectionSettings.FromMetadata(definition.GetMetadata(), clientName: "actorrt-binding");
    }

    public string Name { get; }
    public string Type { get; }
    public IReadOnlyList<string> Operations { get; } = ["create", "delete", "get", "increment"];
    public IReadOnlyList<string> Capabilities => OutputBindingCapabilities.OutputOnly;

    private IDatabase Database => (_redis ?? throw new InvalidOperationException($"binding '{Name}' is not initialised")).GetDatabase();

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_redis is not null) return;
        // ConnectAsync has no token; ConnectTimeout (dialTimeout) bounds it, and the catalog's initTimeout bounds us.
        _redis = await ConnectionMultiplexer.ConnectAsync(_connection.Clone()).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        if (!request.Metadata.TryGetValue("key", out var key) || string.IsNullOrEmpty(key))
            throw new BindingOperationException("redis binding: missing key in request metadata");
        var db = Database;
        switch (request.Operation)
        {
            case "create":
                // The TTL is checked before writing, so a bad ttlInSeconds leaves the key untouched.
                var ttl = BindingTtl.From(request.Metadata);
                await (ttl is { } expiry ? db.StringSetAsync(key, request.Data, expiry) : db.StringSetAsync(key, request.Data)).ConfigureAwait(false);
                return BindingResponse.Empty;
            case "increment":
                var incrementTtl = BindingTtl.From(request.Metadata);
                await db.StringIncrementAsync(key).ConfigureAwait(false);
                if (incrementTtl is { } t) await db.KeyExpireAsync(key, t).ConfigureAwait(false);
                return BindingResponse.Empty;
            case "get":
                var value = request.Metadata.TryGetValue("delete", out var delete) && delete == "true"
                    ? await db.StringGetDeleteAsync(key).ConfigureAwait(false)
                    : await db.StringGetAsync(key).ConfigureAwait(false);
                // A missing key is an answer without data (200, empty body), not an error, as in Dapr.
                return new BindingResponse(value.IsNull ? ReadOnlyMemory<byte>.Empty : (byte[])value!, new Dictionary<string, string>());
            case "delete":
                await db.KeyDeleteAsync(key).ConfigureAwait(false);
                return BindingResponse.Empty;
            default:
                throw new UnsupportedBindingOperationException(Name, request.Operation, Operations);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is { } redis) await redis.DisposeAsync().ConfigureAwait(false);
        _redis = null;
    }
}
