using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace ActorRuntime.Bench.Targets;

/// <summary>
/// The baseline of the <c>pubsub</c> scenario: what a publisher and a subscriber do with StackExchange.Redis alone.
/// One op = <c>XADD</c>; a reader loop does <c>XREADGROUP ... &gt;</c> (polled, 1 ms → 50 ms backoff when empty, as the
/// runtime's pump does), then <c>XACK</c> per entry, and completes the waiter of each entry's number.
/// </summary>
internal sealed class DirectRedisStreams : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly string _stream = "actorrt-bench-direct-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;

    private DirectRedisStreams(ConnectionMultiplexer redis) => _redis = redis;

    public static async Task<DirectRedisStreams> StartAsync(string redis)
    {
        var self = new DirectRedisStreams(await ConnectionMultiplexer.ConnectAsync(redis));
        await self._redis.GetDatabase().StreamCreateConsumerGroupAsync(self._stream, "g", "0", createStream: true);
        self._reader = Task.Run(() => self.ReadAsync(self._stop.Token));
        return self;
    }

    public async ValueTask PublishAndWaitAsync(long n)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[n] = tcs;
        await _redis.GetDatabase().StreamAddAsync(_stream, "data", Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""));
        await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        var db = _redis.GetDatabase();
        var idle = 1;
        while (!ct.IsCancellationRequested)
        {
            var entries = await db.StreamReadGroupAsync(_stream, "g", "c", StreamPosition.NewMessages, 100);
            if (entries.Length == 0)
            {
                await Task.Delay(idle, CancellationToken.None);
                idle = Math.Min(50, idle * 2);
                continue;
            }
            idle = 1;
            await Task.WhenAll(entries.Select(async e =>
            {
                await db.StreamAcknowledgeAsync(_stream, "g", e.Id);
                using var doc = JsonDocument.Parse((byte[])e["data"]!);
                if (_waiting.TryRemove(doc.RootElement.GetProperty("n").GetInt64(), out var tcs)) tcs.TrySetResult();
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reader is not null) await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _redis.GetDatabase().KeyDeleteAsync(_stream);
        await _redis.DisposeAsync();
    }
}
