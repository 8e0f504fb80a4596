using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// <c>state.redis</c>, with Dapr's data layout (see <see cref="RedisScripts"/>), so Dapr and this runtime can share data.
/// Every write, single or transactional, is one Lua script: checks first, then changes, atomically.
/// </summary>
public sealed class RedisStateStore : IStateStore, IStateStoreWithDefaultTtl, IStateChangeFeed
{
    private readonly RedisStateStoreOptions _options;
    private readonly StateChangeFanOut _changes = new("not connected yet");
    private ConnectionMultiplexer? _connection;
    private RedisChangeFeed? _feed;

    /// <summary>The name this store's connections carry in <c>CLIENT LIST</c> (unique per store object).</summary>
    internal string? ClientName { get; private set; }

    public RedisStateStore(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        _options = RedisStateStoreOptions.FromMetadata(definition.GetMetadata());
    }

    public bool HasDefaultTtl => _options.DefaultTtl is { } ttl && ttl > TimeSpan.Zero;

    public string Name { get; }
    public string Type { get; }
    // QUERY_API comes from scanning keys and filtering in the runtime (Dapr needs RedisJSON for it).
    public StateStoreFeatures Features =>
        StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.QueryApi | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    public bool IsWatching => _changes.IsWatching;
    public string? NotWatchingReason => _changes.NotWatchingReason;
    public IDisposable Subscribe(Action<StateChange> onChange) => _changes.Subscribe(onChange);

    private IDatabase Database => (_connection ?? throw new InvalidOperationException($"state store '{Name}' is not initialised")).GetDatabase();

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return;
        var configuration = _options.Connection.Clone();
        // A name of its own lets the change feed find this multiplexer's subscription connection in CLIENT LIST.
        // CLIENT LIST / CLIENT TRACKING (the change feed) are "admin" commands to StackExchange.Redis; the store itself
        // never sends any other admin command.
        configuration.AllowAdmin = true;
        // Under RESP2 the server forwards invalidations to the subscription connection as ordinary messages on
        // __redis__:invalidate, which the client delivers; RESP3 push frames of kind "invalidate" it does not.
        configuration.Protocol = RedisProtocol.Resp2;
        configuration.ClientName = ClientName = $"{configuration.ClientName ?? "actorrt-state"}-{Guid.NewGuid():N}";
        // ConnectAsync has no token; its own ConnectTimeout bounds it.
        _connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _feed = new RedisChangeFeed(_connection, configuration.ClientName, _changes);
    }

    public Task<StoredState?> GetAsync(string key, CancellationToken cancellationToken) => ReadAsync(Database, key);

    public async Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        var versions = await ApplyAsync([StateOperation.Upsert(write)]).ConfigureAwait(false);
        return versions[0];
    }

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) =>
        ApplyAsync([StateOperation.Remove(delete)]);

    public Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken) =>
        operations.Count == 0 ? Task.CompletedTask : ApplyAsync(operations);

    public async IAsyncEnumerable<KeyValuePair<string, StoredState>> ScanAsync(
        string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = Database;
        var server = _connection!.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica)
            ?? throw new InvalidOperationException($"state store '{Name}': no primary Redis server is connected");
        // KeysAsync pages with SCAN, so a large keyspace does not block the server.
        await foreach (var key in server.KeysAsync(database.Database, GlobEscape(keyPrefix) + "*", pageSize: 500)
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var state = await ReadAsync(database, key!).ConfigureAwait(false);
            if (state is not null) yield return new(key!, state);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_feed is not null) await _feed.DisposeAsync().ConfigureAwait(false);
        _feed = null;
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

    private static async Task<StoredState?> ReadAsync(IDatabase database, string key)
    {
        var result = await database.ScriptEvaluateAsync(RedisScripts.Get, [key]).ConfigureAwait(false);
        if (result.IsNull) return null;
        var fields = (RedisResult[])result!;
        var ttlMs = (long)fields[2];
        DateTimeOffset? expiresAt = ttlMs > 0 ? DateTimeOffset.UtcNow.AddMilliseconds(ttlMs) : null;
        return new StoredState((byte[]?)fields[0] ?? [], (string)fields[1]!, expiresAt);
    }

    /// <summary>Runs <see cref="RedisScripts.Apply"/>; returns each operation's new version ("" for deletes).</summary>
    private async Task<string[]> ApplyAsync(IReadOnlyList<StateOperation> operations)
    {
        var keys = new RedisKey[operations.Count];
        var args = new RedisValue[operations.Count * RedisScripts.ArgsPerOperation];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            keys[i] = op.Key;
            var (precondition, etag) = op.Write is { } w ? (StateWriteRules.For(w), w.ETag) : (StateWriteRules.For(op.Delete!), op.Delete!.ETag);
            if (precondition == StateWriteRules.Precondition.ETagMatches) etag = ParseVersion(op.Key, etag!);
            var ttl = op.Write is { } write ? StateWriteRules.EffectiveTtl(write.Ttl, _options.DefaultTtl) : null;
            var at = i * RedisScripts.ArgsPerOperation;
            args[at] = op.Write is null ? "del" : "set";
            args[at + 1] = precondition switch
            {
                StateWriteRules.Precondition.ETagMatches => "match",
                StateWriteRules.Precondition.Absent => "absent",
                _ => "none",
            };
            args[at + 2] = etag ?? "";
            args[at + 3] = op.Write?.Value ?? RedisValue.EmptyString;
            args[at + 4] = ttl is { } t ? Math.Max(1L, (long)Math.Ceiling(t.TotalMilliseconds)) : 0L;
        }
        try
        {
            var result = await Database.ScriptEvaluateAsync(RedisScripts.Apply, keys, args).ConfigureAwait(false);
            return ((RedisResult[])result!).Select(r => (string?)r ?? "").ToArray();
        }
        catch (RedisServerException e) when (e.Message.StartsWith(RedisScripts.MismatchPrefix, StringComparison.Ordinal))
        {
            var index = int.Parse(e.Message.AsSpan(RedisScripts.MismatchPrefix.Length + 1), CultureInfo.InvariantCulture);
            throw new ETagMismatchException(operations[index - 1].Key);
        }
    }

    /// <summary>Redis ETags are the integer <c>version</c> field; anything else cannot match and is a client error.</summary>
    private static string ParseVersion(string key, string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version.ToString(CultureInfo.InvariantCulture)
            : throw new ETagInvalidException(key, etag);

    private static string GlobEscape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
