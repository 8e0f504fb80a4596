using System.Runtime.CompilerServices;
using System.Text;
using ActorRuntime.Components.Model;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// <c>state.sqlite</c>: one SQLite file, laid out as Dapr's SQLite store lays it out, safe to share between processes.
/// Every write runs in a <c>BEGIN IMMEDIATE</c> transaction, so the ETag check and the change happen under the file's
/// write lock; the ETag is a new GUID per write.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteStateSql _sql;
    private readonly TimeSpan? _cleanupInterval;
    private PeriodicSweep? _sweep;

    public SqliteStateStore(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        var metadata = definition.GetMetadata();
        _database = SqliteDatabase.FromMetadata(metadata);
        _sql = new SqliteStateSql(SqlIdentifiers.TableName(metadata, "tableName", "state", allowSchema: false));
        // Dapr's default; zero or negative turns the sweep off (expired rows stay invisible to reads regardless).
        var cleanup = metadata.GetDuration("cleanupInterval") ?? TimeSpan.FromHours(1);
        _cleanupInterval = cleanup > TimeSpan.Zero ? cleanup : null;
        metadata.GetBool("actorStateStore", false);
    }

    public string Name { get; }
    public string Type { get; }
    public StateStoreFeatures Features =>
        StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.QueryApi | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        await _database.InitAsync(cancellationToken).ConfigureAwait(false);
        await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = _sql.CreateTable;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_cleanupInterval is { } interval) _sweep ??= new PeriodicSweep(interval, DeleteExpiredAsync);
    }

    public Task<StoredState?> GetAsync(string key, CancellationToken cancellationToken) =>
        OffCallerThread(() => ReadAsync(key, cancellationToken), cancellationToken);

    private async Task<StoredState?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _sql.Get;
        command.Parameters.AddWithValue("@key", key);
        command.Parameters.AddWithValue("@now", SqliteStateSql.FormatTime(DateTimeOffset.UtcNow));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadState(reader, 0) : null;
    }

    public async Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        var etags = await ApplyAsync([StateOperation.Upsert(write)], cancellationToken).ConfigureAwait(false);
        return etags[0]!;
    }

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) =>
        ApplyAsync([StateOperation.Remove(delete)], cancellationToken);

    public Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken) =>
        ApplyAsync(operations, cancellationToken);

    public async IAsyncEnumerable<KeyValuePair<string, StoredState>> ScanAsync(
        string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _sql.ScanFrom;
        command.Parameters.AddWithValue("@prefix", keyPrefix);
        command.Parameters.AddWithValue("@now", SqliteStateSql.FormatTime(DateTimeOffset.UtcNow));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = reader.GetString(0);
            if (!key.StartsWith(keyPrefix, StringComparison.Ordinal)) yield break; // past the run of matching keys
            yield return new(key, ReadState(reader, 1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweep is not null) await _sweep.DisposeAsync().ConfigureAwait(false);
        _sweep = null;
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Microsoft.Data.Sqlite's async methods complete synchronously, and waiting for another process's write lock can take
    /// up to busyTimeout; running on the thread pool keeps that wait off the caller's thread (e.g. a grain's scheduler).
    /// </summary>
    private static Task<T> OffCallerThread<T>(Func<Task<T>> work, CancellationToken cancellationToken) => Task.Run(work, cancellationToken);

    /// <summary>Runs the operations in order in one write transaction; returns each upsert's new ETag (null for deletes).</summary>
    private Task<string?[]> ApplyAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken) =>
        OffCallerThread(() => ApplyInTransactionAsync(operations, cancellationToken), cancellationToken);

    private async Task<string?[]> ApplyInTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Not deferred means BEGIN IMMEDIATE: the write lock is taken (waiting up to busyTimeout) before anything is read,
        // so no other process can change a row between our ETag check and our write.
        await using var transaction = connection.BeginTransaction(deferred: false);
        // Taken once the lock is held, so a writer that waited does not judge expiry by the time it started waiting.
        var now = DateTimeOffset.UtcNow;
        var etags = new string?[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            etags[i] = op.Write is { } write
                ? await WriteAsync(connection, transaction, write, now, cancellationToken).ConfigureAwait(false)
                : await DeleteAsync(connection, transaction, op.Delete!, now, cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return etags;
    }

    private async Task<string> WriteAsync(SqliteConnection connection, SqliteTransaction transaction, StateWrite write, DateTimeOffset now, CancellationToken ct)
    {
        var precondition = StateWriteRules.For(write);
        var etag = Guid.NewGuid().ToString();
        var expiry = StateWriteRules.ExpiryFrom(now, StateWriteRules.EffectiveTtl(write.Ttl));
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = precondition switch
        {
            StateWriteRules.Precondition.ETagMatches => _sql.UpdateIfETag,
            StateWriteRules.Precondition.Absent => _sql.InsertIfAbsent,
            _ => _sql.Upsert,
        };
        command.Parameters.AddWithValue("@key", write.Key);
        command.Parameters.Add("@value", SqliteType.Blob).Value = write.Value;
        command.Parameters.AddWithValue("@etag", etag);
        command.Parameters.AddWithValue("@expires", expiry is { } e ? SqliteStateSql.FormatTime(e) : DBNull.Value);
        command.Parameters.AddWithValue("@now", SqliteStateSql.FormatTime(now));
        if (precondition == StateWriteRules.Precondition.ETagMatches) command.Parameters.AddWithValue("@expected", write.ETag);
        var changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (changed != 1) throw new ETagMismatchException(write.Key);
        return etag;
    }

    private async Task<string?> DeleteAsync(SqliteConnection connection, SqliteTransaction transaction, StateDelete delete, DateTimeOffset now, CancellationToken ct)
    {
        var conditional = StateWriteRules.For(delete) == StateWriteRules.Precondition.ETagMatches;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = conditional ? _sql.DeleteIfETag : _sql.Delete;
        command.Parameters.AddWithValue("@key", delete.Key);
        if (conditional)
        {
            command.Parameters.AddWithValue("@expected", delete.ETag);
            command.Parameters.AddWithValue("@now", SqliteStateSql.FormatTime(now));
        }
        var changed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (conditional && changed != 1) throw new ETagMismatchException(delete.Key);
        return null;
    }

    private async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = _sql.DeleteExpired;
        command.Parameters.AddWithValue("@now", SqliteStateSql.FormatTime(DateTimeOffset.UtcNow));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>value, is_binary, etag, expiration_time</c> starting at column <paramref name="first"/>.</summary>
    private static StoredState ReadState(SqliteDataReader reader, int first)
    {
        var value = reader.GetFieldValue<byte[]>(first);
        // Dapr's own writer stores non-JSON values base64-encoded and flags them; this store writes raw bytes unflagged.
        if (reader.GetBoolean(first + 1)) value = Convert.FromBase64String(Encoding.UTF8.GetString(value));
        var etag = reader.GetString(first + 2);
        DateTimeOffset? expiresAt = reader.IsDBNull(first + 3) ? null : SqliteStateSql.ParseTime(reader.GetString(first + 3));
        return new StoredState(value, etag, expiresAt);
    }
}
