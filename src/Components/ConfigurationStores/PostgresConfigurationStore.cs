using System.Text.Json;
using System.Text.RegularExpressions;
using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using Npgsql;

namespace ActorRuntime.Components.ConfigurationStores;

/// <summary>
/// <c>configuration.postgresql</c>, with Dapr's table layout (<c>key</c>, <c>value</c>, <c>version</c>, <c>metadata</c>
/// JSON), which the user creates and fills. Changes come through <c>LISTEN</c> on the channel a subscription names in
/// <c>metadata.pgNotifyChannel</c>, fed by the user's trigger with Dapr's payload
/// <c>{"table", "action", "data": {row}}</c>. Metadata: <c>connectionString</c> (libpq, URL or Npgsql form), <c>table</c>.
/// </summary>
public sealed partial class PostgresConfigurationStore : IConfigurationStore
{
    private readonly string _connectionString;
    private readonly string _table;
    private NpgsqlDataSource? _dataSource;

    public PostgresConfigurationStore(ComponentDefinition definition)
    {
        var metadata = definition.GetMetadata();
        try
        {
            _connectionString = PostgresConnectionString.ToNpgsql(metadata.GetRequiredString("connectionString"));
        }
        catch (ConnectionStringException e)
        {
            throw metadata.Error("connectionString", e.Problem);
        }
        _table = metadata.GetRequiredString("table").Trim();
        if (!TableName().IsMatch(_table)) throw metadata.Error("table", $"must be a table name such as 'configtable' or 'schema.configtable', not '{_table}'");
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex TableName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ChannelName();

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        _dataSource = NpgsqlDataSource.Create(_connectionString);
        // The table is the user's (Dapr does not create it); fail start-up when it is not there.
        await using var command = _dataSource.CreateCommand($"SELECT 1 FROM {_table} LIMIT 1");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("the configuration store is not initialized");

    public async Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await using var command = keys.Count == 0
            ? DataSource.CreateCommand($"SELECT key, value, version, metadata::text FROM {_table}")
            : DataSource.CreateCommand($"SELECT key, value, version, metadata::text FROM {_table} WHERE key = ANY(@keys)");
        if (keys.Count > 0) command.Parameters.AddWithValue("keys", keys.ToArray());
        var result = new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result[reader.GetString(0)] = new ConfigurationItem(reader.GetString(1), reader.IsDBNull(2) ? "" : reader.GetString(2),
                Metadata(reader.IsDBNull(3) ? null : reader.GetString(3)));
        return result;
    }

    private static Dictionary<string, string> Metadata(string? json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
        foreach (var p in doc.RootElement.EnumerateObject())
            result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        return result;
    }

    public async Task<IAsyncDisposable> SubscribeAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata,
        Func<IReadOnlyDictionary<string, ConfigurationItem>, Task> onChange, CancellationToken cancellationToken)
    {
        if (!metadata.TryGetValue("pgNotifyChannel", out var channel) || string.IsNullOrWhiteSpace(channel))
            throw new ArgumentException("subscribing to a configuration.postgresql store needs metadata.pgNotifyChannel, the channel its trigger notifies");
        if (!ChannelName().IsMatch(channel)) throw new ArgumentException($"pgNotifyChannel '{channel}' is not a valid channel name");
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var wanted = keys.Count > 0 ? new HashSet<string>(keys, StringComparer.Ordinal) : null;
        var updates = System.Threading.Channels.Channel.CreateUnbounded<ConfigurationItemChange>(new() { SingleReader = true });
        connection.Notification += (_, e) =>
        {
            if (Parse(e.Payload) is { } change && (wanted is null || wanted.Contains(change.Key))) updates.Writer.TryWrite(change);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var stop = new CancellationTokenSource();
        var waiting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await connection.WaitAsync(stop.Token).ConfigureAwait(false);
        });
        // Deliveries run one at a time, in the order PostgreSQL sent them.
        var delivering = Task.Run(async () =>
        {
            await foreach (var change in updates.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try { await onChange(new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal) { [change.Key] = change.Item }).ConfigureAwait(false); }
                catch (Exception) { /* the subscriber reports its own delivery problems */ }
            }
        });
        return new Subscription(connection, stop, updates.Writer, waiting, delivering);
    }

    private sealed record ConfigurationItemChange(string Key, ConfigurationItem Item);

    // Dapr's trigger payload: {"table": ..., "action": "INSERT|UPDATE|DELETE", "data": {key, value, version, metadata}}.
    private static ConfigurationItemChange? Parse(string payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return null;
            string? Field(string name) => data.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } p
                ? (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetRawText())
                : null;
            var key = Field("key");
            if (key is null) return null;
            var deleted = doc.RootElement.TryGetProperty("action", out var action) && action.GetString() == "DELETE";
            var item = deleted
                ? new ConfigurationItem("", "", new Dictionary<string, string>())
                : new ConfigurationItem(Field("value") ?? "", Field("version") ?? "", Metadata(Field("metadata")));
            return new ConfigurationItemChange(key, item);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class Subscription(NpgsqlConnection connection, CancellationTokenSource stop,
        System.Threading.Channels.ChannelWriter<ConfigurationItemChange> updates, Task waiting, Task delivering) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await waiting.ConfigureAwait(false); } catch (Exception) { /* cancelled wait */ }
            updates.TryComplete();
            await delivering.ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            stop.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
