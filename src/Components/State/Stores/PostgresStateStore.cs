using System.Runtime.CompilerServices;
using System.Text.Json;
using ActorRuntime.Components.Model;
using Npgsql;
using NpgsqlTypes;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// <c>state.postgresql</c>: Dapr's v2 table layout; the ETag is a UUID per write. Single writes are single statements;
/// transactions run their statements in order in one database transaction and roll back on the first failed condition.
/// </summary>
public sealed class PostgresStateStore : IStateStore, IStateChangeFeed
{
    private readonly PostgresStateStoreOptions _options;
    private readonly PostgresStateSql _sql;
    private readonly StateChangeFanOut _changes = new("not connected yet");
    private NpgsqlDataSource? _dataSource;
    private PeriodicSweep? _sweep;
    private PostgresChangeFeed? _feed;

    public PostgresStateStore(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        _options = PostgresStateStoreOptions.FromMetadata(definition.GetMetadata());
        _sql = new PostgresStateSql(_options.TableName, _options.MetadataTableName);
    }

    public string Name { get; }
    public string Type { get; }
    public StateStoreFeatures Features =>
        StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.QueryApi | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    public bool IsWatching => _changes.IsWatching;
    public string? NotWatchingReason => _changes.NotWatchingReason;
    public IDisposable Subscribe(Action<StateChange> onChange) => _changes.Subscribe(onChange);

    private NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException($"state store '{Name}' is not initialised");

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null) return;
        var dataSource = NpgsqlDataSource.Create(_options.ConnectionString);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand(_sql.CreateSchema, connection, transaction))
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _dataSource = dataSource;
        if (await TryCreateNotifyTriggerAsync(dataSource, cancellationToken).ConfigureAwait(false))
            _feed = new PostgresChangeFeed(_options.ConnectionString, _sql, _changes);
        if (_options.CleanupInterval is { } interval) _sweep = new PeriodicSweep(interval, ct => DeleteExpiredAsync(interval, ct));
    }

    /// <summary>
    /// Without the trigger (e.g. the user may not alter a table it does not own) reads go to the table: the store
    /// still works, only without a cache in front.
    /// </summary>
    private async Task<bool> TryCreateNotifyTriggerAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand(_sql.CreateNotifyTrigger, connection, transaction))
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e)
        {
            _changes.NotWatching($"could not create the change-notification trigger on the state table: {e.MessageText}");
            return false;
        }
    }

    public async Task<StoredState?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(_sql.Get);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadState(reader, 0) : null;
    }

    public async Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await WriteAsync(connection, null, write, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await RemoveAsync(connection, null, delete, cancellationToken).ConfigureAwait(false);
    }

    public async Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        // Malformed ETags are rejected before anything is sent.
        foreach (var op in operations) ParseETag(op.Key, op.Write is { } w ? w.ETag : op.Delete!.ETag);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var op in operations)
        {
            if (op.Write is { } write) await WriteAsync(connection, transaction, write, cancellationToken).ConfigureAwait(false);
            else await RemoveAsync(connection, transaction, op.Delete!, cancellationToken).ConfigureAwait(false);
        }
        // Leaving without commit (an ETag failure above) rolls everything back on dispose.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<KeyValuePair<string, StoredState>> ScanAsync(
        string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(_sql.Scan);
        command.Parameters.AddWithValue("prefix", keyPrefix);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return new(reader.GetString(0), ReadState(reader, 1));
    }

    public async ValueTask DisposeAsync()
    {
        if (_feed is not null) await _feed.DisposeAsync().ConfigureAwait(false);
        _feed = null;
        if (_sweep is not null) await _sweep.DisposeAsync().ConfigureAwait(false);
        if (_dataSource is not null) await _dataSource.DisposeAsync().ConfigureAwait(false);
        (_sweep, _dataSource) = (null, null);
    }

    private async Task<string> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StateWrite write, CancellationToken ct)
    {
        var precondition = StateWriteRules.For(write);
        var expected = ParseETag(write.Key, write.ETag);
        var etag = Guid.NewGuid();
        var sql = precondition switch
        {
            StateWriteRules.Precondition.ETagMatches => _sql.UpdateIfETag,
            StateWriteRules.Precondition.Absent => _sql.InsertIfAbsent,
            _ => _sql.Upsert,
        };
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("key", write.Key);
        command.Parameters.Add(new NpgsqlParameter("value", NpgsqlDbType.Bytea) { Value = write.Value });
        command.Parameters.AddWithValue("isbinary", !IsJson(write.Value));
        command.Parameters.AddWithValue("etag", etag);
        // NULL interval makes CURRENT_TIMESTAMP + @ttl NULL, i.e. no expiry (and clears an earlier one).
        command.Parameters.Add(new NpgsqlParameter("ttl", NpgsqlDbType.Interval) { Value = (object?)StateWriteRules.EffectiveTtl(write.Ttl) ?? DBNull.Value });
        if (expected is { } e) command.Parameters.AddWithValue("expected", e);
        if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1) throw new ETagMismatchException(write.Key);
        return etag.ToString();
    }

    private async Task RemoveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StateDelete delete, CancellationToken ct)
    {
        var expected = ParseETag(delete.Key, delete.ETag);
        await using var command = new NpgsqlCommand(expected is null ? _sql.Delete : _sql.DeleteIfETag, connection, transaction);
        command.Parameters.AddWithValue("key", delete.Key);
        if (expected is { } e) command.Parameters.AddWithValue("expected", e);
        var deleted = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (expected is not null && deleted != 1) throw new ETagMismatchException(delete.Key);
    }

    private async Task DeleteExpiredAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var claim = new NpgsqlCommand(_sql.ClaimCleanup, connection, transaction))
        {
            claim.Parameters.AddWithValue("name", _sql.CleanupMarker);
            // A little slack so two processes with the same interval do not both skip a round.
            claim.Parameters.AddWithValue("interval", interval * 0.9);
            if (await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1) return;
        }
        await using (var delete = new NpgsqlCommand(_sql.DeleteExpired, connection, transaction))
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Null for "no ETag"; a UUID otherwise. Anything else can never match and is a client error.</summary>
    private static Guid? ParseETag(string key, string? etag)
    {
        if (!StateWriteRules.HasETag(etag)) return null;
        return Guid.TryParse(etag, out var guid) ? guid : throw new ETagInvalidException(key, etag!);
    }

    /// <summary>Reads <c>value, etag, expiredate</c> starting at column <paramref name="first"/>.</summary>
    private static StoredState ReadState(NpgsqlDataReader reader, int first)
    {
        DateTimeOffset? expiresAt = reader.IsDBNull(first + 2) ? null : reader.GetFieldValue<DateTimeOffset>(first + 2);
        return new StoredState(reader.GetFieldValue<byte[]>(first), reader.GetGuid(first + 1).ToString(), expiresAt);
    }

    /// <summary>Fills Dapr's <c>isbinary</c> column: false for values that are JSON documents.</summary>
    private static bool IsJson(byte[] value)
    {
        if (value.Length == 0) return false;
        try
        {
            var reader = new Utf8JsonReader(value);
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
