using System.Globalization;
using System.Text.Json;
using ActorRuntime.Components.Model;
using Npgsql;
using NpgsqlTypes;

namespace ActorRuntime.Components.Bindings.PostgreSql;

/// <summary>
/// <c>bindings.postgresql</c> (and its older name <c>bindings.postgres</c>): <c>exec</c> and <c>query</c> run the
/// request's <c>sql</c> metadata with the JSON array in <c>params</c> as <c>$1..$n</c>; <c>close</c> closes the pool
/// (the component then refuses further calls, as Dapr's does). Answers carry Dapr's metadata: <c>operation</c>,
/// <c>sql</c>, <c>start-time</c>, <c>end-time</c>, <c>duration</c>, and <c>rows-affected</c> for <c>exec</c>;
/// <c>query</c> answers a JSON array of rows, each an array of column values.
/// </summary>
public sealed class PostgresBinding : IOutputBinding
{
    private readonly PostgresBindingOptions _options;
    private NpgsqlDataSource? _dataSource;
    private volatile bool _closed;

    public PostgresBinding(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        _options = PostgresBindingOptions.FromMetadata(definition.GetMetadata());
    }

    public string Name { get; }
    public string Type { get; }
    public IReadOnlyList<string> Operations { get; } = ["exec", "query", "close"];
    public IReadOnlyList<string> Capabilities => OutputBindingCapabilities.OutputOnly;

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null) return;
        var dataSource = NpgsqlDataSource.Create(_options.ConnectionString);
        try
        {
            // Dapr pings at init: a wrong address or password stops start-up instead of failing the first call.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _dataSource = dataSource;
    }

    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        // "close" succeeds even when already closed.
        if (request.Operation == "close")
        {
            await CloseAsync().ConfigureAwait(false);
            return BindingResponse.Empty;
        }
        if (request.Operation is not ("exec" or "query")) throw new UnsupportedBindingOperationException(Name, request.Operation, Operations);
        if (_closed) throw new BindingOperationException("component is closed");
        var dataSource = _dataSource ?? throw new InvalidOperationException($"binding '{Name}' is not initialised");
        if (!request.Metadata.TryGetValue("sql", out var sql) || string.IsNullOrEmpty(sql))
            throw new BindingOperationException("required metadata not set: sql");
        var parameters = Parameters(request.Metadata);

        var start = DateTime.UtcNow;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["operation"] = request.Operation,
            ["sql"] = sql,
            ["start-time"] = RowJson.Rfc3339(start),
        };
        ReadOnlyMemory<byte> data = default;
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            command.CommandTimeout = 0; // the caller's token (request, resiliency timeout) bounds the statement
            foreach (var p in parameters) command.Parameters.Add(p);
            if (request.Operation == "exec")
            {
                var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                metadata["rows-affected"] = Math.Max(0, rows).ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                data = await RowJson.WriteAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PostgresException e)
        {
            throw new BindingOperationException($"error executing query: {e.MessageText} (SQLSTATE {e.SqlState})", inner: e);
        }
        var end = DateTime.UtcNow;
        metadata["end-time"] = RowJson.Rfc3339(end);
        metadata["duration"] = GoDuration.Format(end - start);
        return new BindingResponse(data, metadata, "application/json");
    }

    /// <summary>
    /// <c>params</c>: a JSON array, one value per <c>$n</c>. Each is sent as text of unknown type so PostgreSQL infers the
    /// type from the statement, as pgx does with Go values decoded from JSON (a number fits an integer or a numeric
    /// column, an object a jsonb one).
    /// </summary>
    private static List<NpgsqlParameter> Parameters(IReadOnlyDictionary<string, string> metadata)
    {
        var list = new List<NpgsqlParameter>();
        if (!metadata.TryGetValue("params", out var text) || string.IsNullOrEmpty(text)) return list;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new BindingOperationException($"invalid metadata property params: failed to unserialize into an array: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new BindingOperationException($"invalid metadata property params: failed to unserialize into an array: found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                object value = e.ValueKind switch
                {
                    JsonValueKind.Null => DBNull.Value,
                    JsonValueKind.String => e.GetString()!,
                    _ => e.GetRawText(),
                };
                list.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = value });
            }
        }
        return list;
    }

    private async Task CloseAsync()
    {
        _closed = true;
        if (Interlocked.Exchange(ref _dataSource, null) is { } dataSource) await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(CloseAsync());
}
