using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>
/// The consumer of one group's queue: deliveries wait in <see cref="TakeNew"/>'s buffer, then stay pending (unacknowledged
/// on the channel) until <see cref="AckAsync"/>. Ids are <c>{channel generation}.{delivery tag}</c>: a channel that
/// shut down (connection lost, recovered) requeued everything it held, so its ids are dropped from both lists and
/// acknowledgements for them are ignored; the broker delivers those messages again under new ids.
/// </summary>
internal sealed class RabbitMqGroupConsumer : AsyncDefaultBasicConsumer, IAsyncDisposable
{
    private readonly bool _autoAck;
    private readonly Lock _gate = new();
    private readonly Queue<ReceivedMessage> _new = new();
    private readonly SortedDictionary<ulong, ReceivedMessage> _pending = [];
    private int _generation;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Deliveries come asynchronously after a confirmed publish: a read waits this long for more before it answers short.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(200);

    public RabbitMqGroupConsumer(IChannel channel, bool autoAck) : base(channel)
    {
        _autoAck = autoAck;
        channel.ChannelShutdownAsync += (_, _) =>
        {
            lock (_gate)
            {
                _generation++;
                _new.Clear();
                _pending.Clear();
            }
            return Task.CompletedTask;
        };
    }

    public override Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
        IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{_generation}.{deliveryTag}");
            // The body's memory belongs to the client library once this returns: copy it.
            _new.Enqueue(new ReceivedMessage(id, body.ToArray(), RabbitMqPubSub.PartitionKeyOf(properties)));
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return Task.CompletedTask;
    }

    /// <summary>Up to <paramref name="count"/> new messages, waiting until that many are there or none came for a short while.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> TakeNewAsync(int count, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_new.Count >= count) break;
                arrived = _arrived.Task;
            }
            var left = MaxWait - (DateTime.UtcNow - started);
            if (left <= TimeSpan.Zero) break;
            var quiet = Task.Delay(left < Quiet ? left : Quiet, ct);
            if (await Task.WhenAny(arrived, quiet).ConfigureAwait(false) == quiet) break;
        }
        ct.ThrowIfCancellationRequested();
        return TakeNew(count);
    }

    public IReadOnlyList<ReceivedMessage> TakeNew(int count)
    {
        lock (_gate)
        {
            var taken = new List<ReceivedMessage>(Math.Min(count, _new.Count));
            while (taken.Count < count && _new.TryDequeue(out var m))
            {
                taken.Add(m);
                if (!_autoAck && Parse(m.Id) is { } p && p.Generation == _generation) _pending[p.Tag] = m;
            }
            return taken;
        }
    }

    public IReadOnlyList<ReceivedMessage> Pending(string? afterId, int count)
    {
        lock (_gate)
        {
            var after = afterId is null ? 0UL : Parse(afterId) is { } p && p.Generation == _generation ? p.Tag : ulong.MaxValue;
            return [.. _pending.Where(kv => kv.Key > after).Take(count).Select(kv => kv.Value)];
        }
    }

    public async Task AckAsync(string messageId, CancellationToken ct)
    {
        if (_autoAck || Parse(messageId) is not { } p) return;
        lock (_gate)
        {
            if (p.Generation != _generation || !_pending.Remove(p.Tag)) return; // from a channel that is gone: redelivered anyway
        }
        await Channel.BasicAckAsync(p.Tag, multiple: false, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Channel.IsOpen) await Channel.CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            Channel.Dispose();
        }
    }

    private static (int Generation, ulong Tag)? Parse(string id)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && int.TryParse(id.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var g)
            && ulong.TryParse(id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? (g, t) : null;
    }
}
