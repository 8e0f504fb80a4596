using Npgsql;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// Reports keys changed in the state table by anyone, from the NOTIFYs of the table's trigger
/// (<see cref="PostgresStateSql.CreateNotifyTrigger"/>). One dedicated connection LISTENs; when it breaks it is
/// opened again, and "everything changed" is reported, since notifications sent meanwhile are lost.
/// </summary>
internal sealed class PostgresChangeFeed : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly PostgresStateSql _sql;
    private readonly StateChangeFanOut _changes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PostgresChangeFeed(string connectionString, PostgresStateSql sql, StateChangeFanOut changes)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // An idle LISTEN connection would not notice a dead peer; keepalive queries make WaitAsync fail instead.
            KeepAlive = 5,
            Pooling = false,
            ApplicationName = "actorrt-state-feed",
        };
        _connectionString = builder.ConnectionString;
        _sql = sql;
        _changes = changes;
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever broke the connection, reads must stop trusting memory until LISTEN is back.
                _changes.NotWatching($"PostgreSQL LISTEN connection failed: {e.Message}");
            }
            try { await Task.Delay(RetryDelay, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        string channel;
        await using (var query = new NpgsqlCommand(_sql.NotifyChannel, connection))
            channel = (string)(await query.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        connection.Notification += (_, e) => _changes.Publish(Parse(e.Payload));
        await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection))
            await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        _changes.Watching();
        while (true) await connection.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads a trigger payload: <c>u{36-char etag}{key}</c>, <c>d{key}</c> or <c>*</c>.</summary>
    internal static StateChange Parse(string payload) => payload switch
    {
        ['u', ..] when payload.Length >= 37 => new StateChange(payload[37..], payload[1..37]),
        ['d', ..] => new StateChange(payload[1..], Deleted: true),
        _ => StateChange.All,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
