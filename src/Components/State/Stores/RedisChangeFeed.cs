using StackExchange.Redis;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// Reports keys changed in Redis by anyone else, using Redis 6+ client-side caching in broadcast mode:
/// the store's command connection runs <c>CLIENT TRACKING ON REDIRECT &lt;id&gt; BCAST</c>, where
/// <c>id</c> is the same multiplexer's subscription connection, subscribed to <c>__redis__:invalidate</c>.
/// The server then pushes the name of every key any client changes (writes, deletes, expiry, eviction; a flush
/// sends "everything"). The store's own writes come back too, without a version: NOLOOP would drop them, but
/// Redis 7.0 does not apply it to writes made inside Lua scripts (all of this store's writes), and keys changed by
/// two clients within one server cycle arrive as one message, so an echo cannot be told from a foreign write.
/// Unlike keyspace notifications, this needs no server configuration (<c>notify-keyspace-events</c>).
/// Whenever a connection is re-established, tracking is set up again and "everything changed" is reported.
/// </summary>
internal sealed class RedisChangeFeed : IAsyncDisposable
{
    private static readonly RedisChannel InvalidateChannel = RedisChannel.Literal("__redis__:invalidate");
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SubscriptionWait = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer _connection;
    private readonly string _clientName;
    private readonly StateChangeFanOut _changes;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _resync = new(0, int.MaxValue);
    private readonly Task _loop;
    private bool _subscribed;
    private int _failures;

    public RedisChangeFeed(ConnectionMultiplexer connection, string clientName, StateChangeFanOut changes)
    {
        _connection = connection;
        _clientName = clientName;
        _changes = changes;
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
        _resync.Release();
        _loop = Task.Run(RunAsync);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        Interlocked.Increment(ref _failures);
        _changes.NotWatching($"Redis connection lost ({e.FailureType})");
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _changes.NotWatching("Redis connection re-established; change tracking is being set up again");
        _resync.Release();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _resync.WaitAsync(ct).ConfigureAwait(false);
                while (_resync.CurrentCount > 0) await _resync.WaitAsync(ct).ConfigureAwait(false);
                while (!ct.IsCancellationRequested)
                {
                    var failuresBefore = Volatile.Read(ref _failures);
                    var failure = await TryStartTrackingAsync(ct).ConfigureAwait(false);
                    // A connection that failed while tracking was being set up may have taken it down again.
                    if (failure is null && Volatile.Read(ref _failures) == failuresBefore) { _changes.Watching(); break; }
                    if (failure is { Permanent: true } f) { _changes.NotWatching(f.Reason); return; }
                    if (failure is { } retry) _changes.NotWatching(retry.Reason);
                    await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Null once tracking is on; otherwise why not, and whether trying again could help.</summary>
    private async Task<(string Reason, bool Permanent)?> TryStartTrackingAsync(CancellationToken ct)
    {
        var primaries = _connection.GetServers().Where(s => !s.IsReplica).ToList();
        if (primaries.Count != 1)
            return ($"change tracking needs exactly one Redis primary, found {primaries.Count}", primaries.Count > 1);
        var server = primaries[0];
        if (!server.IsConnected) return ("Redis is not connected", false);
        try
        {
            // Once subscribed, the multiplexer re-subscribes by itself after a reconnect.
            if (!_subscribed)
            {
                await _connection.GetSubscriber().SubscribeAsync(InvalidateChannel, OnInvalidate).ConfigureAwait(false);
                _subscribed = true;
            }
            var subscriberId = await FindSubscriberIdAsync(server, ct).ConfigureAwait(false);
            if (subscriberId is null) return ("the invalidation subscription is not active yet", false);
            // OFF first: ON with another redirect target is refused while tracking is already on.
            await server.ExecuteAsync("CLIENT", "TRACKING", "OFF").ConfigureAwait(false);
            await server.ExecuteAsync("CLIENT", "TRACKING", "ON", "REDIRECT", subscriberId.Value, "BCAST").ConfigureAwait(false);
            return null;
        }
        catch (RedisServerException e)
        {
            // Redis before 6, or an ACL without CLIENT: nothing will change by asking again.
            return ($"Redis refused client tracking: {e.Message}", true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ($"could not set up change tracking: {e.Message}", false);
        }
    }

    /// <summary>The id of this multiplexer's subscription connection, once the server sees it subscribed.</summary>
    private async Task<long?> FindSubscriberIdAsync(IServer server, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + SubscriptionWait;
        while (DateTime.UtcNow < deadline)
        {
            var clients = await server.ClientListAsync().ConfigureAwait(false);
            var subscriber = clients.FirstOrDefault(c => c.Name == _clientName && c.SubscriptionCount > 0);
            if (subscriber is not null) return subscriber.Id;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
        return null;
    }

    private void OnInvalidate(RedisChannel channel, RedisValue key)
    {
        // A flush arrives as a null key list: everything changed.
        if (key.IsNull) _changes.Publish(StateChange.All);
        else _changes.Publish(new StateChange(key.ToString()));
    }

    public async ValueTask DisposeAsync()
    {
        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
        _resync.Dispose();
    }
}
