using System.Globalization;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.State.Stores;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>
/// <c>pubsub.sqlite</c> (not a Dapr type; the embedded default, durable with nothing installed): the same contract as
/// Redis Streams in one SQLite file, which several processes on one machine may share. A publish has committed
/// (WAL, <c>synchronous=FULL</c>) before it returns, so an acknowledged event survives <c>kill -9</c>. Metadata:
/// <c>connectionString</c> (the file) and <c>busyTimeout</c>, as <c>state.sqlite</c>, plus the delivery settings of
/// every pub/sub type.
/// </summary>
public sealed class SqlitePubSub : IPubSub
{
    private const int TrimEvery = 1000;
    private readonly SqliteDatabase _database;
    private int _acks;

    public SqlitePubSub(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        var metadata = definition.GetMetadata();
        _database = SqliteDatabase.FromMetadata(metadata);
        Settings = PubSubSettings.FromMetadata(metadata);
    }

    public string Name { get; }
    public string Type { get; }
    public PubSubSettings Settings { get; }

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        await _database.InitAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, SqlitePubSubSql.Schema, [], cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, SqlitePubSubSql.Publish,
            [("@topic", topic), ("@data", message.Data), ("@key", message.PartitionKey), ("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
        var seq = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return seq.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReadPendingAsync(string topic, string group, string? afterId, int count, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, SqlitePubSubSql.ReadPending,
            [("@topic", topic), ("@grp", group), ("@after", afterId is null ? -1L : long.Parse(afterId, CultureInfo.InvariantCulture)), ("@count", count)]);
        return await ReadMessagesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReadNewAsync(string topic, string group, int count, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // IMMEDIATE: the read, the pending rows and the cursor move together, even with other processes on the file.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        (string, object?)[] ids = [("@topic", topic), ("@grp", group)];
        await ExecuteAsync(connection, transaction, SqlitePubSubSql.EnsureGroup, ids, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ReceivedMessage> messages;
        await using (var read = Command(connection, transaction, SqlitePubSubSql.ReadNew, [.. ids, ("@count", count)]))
            messages = await ReadMessagesAsync(read, cancellationToken).ConfigureAwait(false);
        foreach (var m in messages)
            await ExecuteAsync(connection, transaction, SqlitePubSubSql.AddPending, [.. ids, ("@seq", long.Parse(m.Id, CultureInfo.InvariantCulture))], cancellationToken).ConfigureAwait(false);
        if (messages.Count > 0)
            await ExecuteAsync(connection, transaction, SqlitePubSubSql.Advance, [.. ids, ("@next", long.Parse(messages[^1].Id, CultureInfo.InvariantCulture) + 1)], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return messages;
    }

    public async Task AckAsync(string topic, string group, string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, SqlitePubSubSql.Ack,
            [("@topic", topic), ("@grp", group), ("@seq", long.Parse(messageId, CultureInfo.InvariantCulture))], cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _acks) % TrimEvery == 0)
            await ExecuteAsync(connection, null, SqlitePubSubSql.Trim, [("@topic", topic)], cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static async Task<IReadOnlyList<ReceivedMessage>> ReadMessagesAsync(SqliteCommand command, CancellationToken ct)
    {
        var result = new List<ReceivedMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new ReceivedMessage(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), (byte[])reader.GetValue(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return result;
    }

    private static async Task ExecuteAsync(SqliteConnection c, SqliteTransaction? t, string sql, (string, object?)[] parameters, CancellationToken ct)
    {
        await using var command = Command(c, t, sql, parameters);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? t, string sql, (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = t;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
