using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.ConfigurationStores;

/// <summary>
/// <c>configuration.redis</c>, with Dapr's data layout: a string key whose value is <c>value||version</c> (no
/// <c>||</c>: the whole string is the value, version empty). Changes arrive through Redis keyspace notifications
/// (<c>__keyspace@{db}__:{key}</c>); at start-up the store turns them on (<c>notify-keyspace-events KA</c>) when they
/// are off and the server allows it. Connection metadata as <c>state.redis</c> (<c>redisHost</c>, <c>redisPassword</c>, ...).
/// </summary>
public sealed class RedisConfigurationStore : IConfigurationStore
{
    private const string Separator = "||";
    private readonly ConfigurationOptions _connection;
    private readonly int _database;
    private ConnectionMultiplexer? _redis;

    public RedisConfigurationStore(ComponentDefinition definition)
    {
        var metadata = definition.GetMetadata();
        _connection = RedisConnectionSettings.FromMetadata(metadata, clientName: "actorrt-configuration");
        _database = _connection.DefaultDatabase ?? 0;
    }

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        var options = _connection.Clone();
        options.AllowAdmin = true; // CONFIG GET/SET for keyspace notifications
        _redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        await EnableKeyspaceNotificationsAsync().ConfigureAwait(false);
    }

    private async Task EnableKeyspaceNotificationsAsync()
    {
        foreach (var endpoint in _redis!.GetEndPoints())
        {
            var server = _redis.GetServer(endpoint);
            if (server.IsReplica) continue;
            try
            {
                var current = (await server.ConfigGetAsync("notify-keyspace-events").ConfigureAwait(false)).FirstOrDefault().Value ?? "";
                var hasKeyspace = current.Contains('K');
                var hasEvents = current.Contains('A') || (current.Contains('$') && current.Contains('g'));
                if (!hasKeyspace || !hasEvents)
                    await server.ConfigSetAsync("notify-keyspace-events", Merge(current, "KA")).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Managed servers may refuse CONFIG; notifications must then be turned on by the operator.
            }
        }
    }

    private static string Merge(string current, string flags) => new([.. current.Union(flags).Distinct()]);

    private IDatabase Db => (_redis ?? throw new InvalidOperationException("the configuration store is not initialized")).GetDatabase(_database);

    public async Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var names = keys.Count > 0 ? keys : await AllKeysAsync().ConfigureAwait(false);
        var result = new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal);
        if (names.Count == 0) return result;
        var values = await Db.StringGetAsync([.. names.Select(k => (RedisKey)k)]).ConfigureAwait(false);
        for (var i = 0; i < names.Count; i++)
            if (values[i].HasValue) result[names[i]] = Parse(values[i]!);
        return result;
    }

    private async Task<IReadOnlyList<string>> AllKeysAsync()
    {
        var keys = new List<string>();
        foreach (var endpoint in _redis!.GetEndPoints())
        {
            var server = _redis.GetServer(endpoint);
            if (server.IsReplica) continue;
            await foreach (var key in server.KeysAsync(_database, pageSize: 500).ConfigureAwait(false))
                if (await Db.KeyTypeAsync(key).ConfigureAwait(false) == RedisType.String) keys.Add(key!);
        }
        return keys;
    }

    internal static ConfigurationItem Parse(string stored)
    {
        var at = stored.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0
            ? new ConfigurationItem(stored, "", new Dictionary<string, string>())
            : new ConfigurationItem(stored[..at], stored[(at + Separator.Length)..], new Dictionary<string, string>());
    }

    public async Task<IAsyncDisposable> SubscribeAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata,
        Func<IReadOnlyDictionary<string, ConfigurationItem>, Task> onChange, CancellationToken cancellationToken)
    {
        var prefix = $"__keyspace@{_database}__:";
        var channels = keys.Count > 0
            ? keys.Select(k => RedisChannel.Literal(prefix + k)).ToList()
            : [RedisChannel.Pattern(prefix + "*")];
        var queue = await (_redis ?? throw new InvalidOperationException("the configuration store is not initialized")).GetSubscriber()
            .SubscribeAsync(channels.Count == 1 ? channels[0] : RedisChannel.Pattern(prefix + "*")).ConfigureAwait(false);
        var wanted = keys.Count > 0 ? new HashSet<string>(keys, StringComparer.Ordinal) : null;
        // One reader per subscription, in order: a key's changes reach the app in the order Redis made them.
        queue.OnMessage(async message =>
        {
            var key = ((string)message.Channel!)[prefix.Length..];
            if (wanted is not null && !wanted.Contains(key)) return;
            var evt = (string?)message.Message;
            ConfigurationItem item;
            if (evt is "del" or "expired" or "evicted")
            {
                item = new ConfigurationItem("", "", new Dictionary<string, string>());
            }
            else
            {
                var value = await Db.StringGetAsync(key).ConfigureAwait(false);
                if (!value.HasValue) return;
                item = Parse(value!);
            }
            try
            {
                await onChange(new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal) { [key] = item }).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Delivery problems are the subscriber's to report; the subscription stays.
            }
        });
        return new Subscription(queue);
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync().ConfigureAwait(false);
    }
}
