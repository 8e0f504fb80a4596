using System.Globalization;
using ActorRuntime.Components.Model;
using Microsoft.Data.Sqlite;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// Opens connections to the SQLite file named by Dapr's <c>connectionString</c> metadata, each set up so that
/// several processes can share the file and an acknowledged commit survives a crash (WAL + <c>synchronous=FULL</c>).
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _perConnectionPragmas;
    private SqliteConnection? _keepAlive;

    private SqliteDatabase(string connectionString, bool isInMemory, TimeSpan busyTimeout)
    {
        _connectionString = connectionString;
        IsInMemory = isInMemory;
        var busyMs = (long)busyTimeout.TotalMilliseconds;
        // Both are per-connection settings, so every opened connection gets them (pooled ones keep them; re-running is cheap).
        _perConnectionPragmas = $"PRAGMA busy_timeout = {busyMs.ToString(CultureInfo.InvariantCulture)}; PRAGMA synchronous = FULL;";
    }

    public bool IsInMemory { get; }

    public static SqliteDatabase FromMetadata(ComponentMetadata metadata)
    {
        var raw = metadata.GetRequiredString("connectionString").Trim();
        var busyTimeout = metadata.GetDuration("busyTimeout") ?? TimeSpan.FromSeconds(2);
        if (busyTimeout < TimeSpan.Zero) throw metadata.Error("busyTimeout", "must not be negative");

        var builder = Parse(raw, metadata);
        var isInMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
        if (isInMemory)
        {
            // A private ":memory:" database would differ per pooled connection; a named shared-cache one is seen by all of them.
            builder.DataSource = "actorrt-state-" + Guid.NewGuid().ToString("N");
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
        }
        builder.Pooling = true;
        // Microsoft.Data.Sqlite retries SQLITE_BUSY until this many seconds have passed; keep it in line with busyTimeout.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));
        return new SqliteDatabase(builder.ToString(), isInMemory, busyTimeout);
    }

    /// <summary>Accepts a bare path, an ADO.NET string (<c>Data Source=...</c>) or Dapr's Go form (<c>file:data.db?_pragma=...</c>).</summary>
    private static SqliteConnectionStringBuilder Parse(string raw, ComponentMetadata metadata)
    {
        if (raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // Go driver options after '?' mean nothing to Microsoft.Data.Sqlite; the pragmas they set are applied anyway.
            var path = raw[5..];
            var query = path.IndexOf('?');
            if (query >= 0) path = path[..query];
            return new SqliteConnectionStringBuilder { DataSource = path };
        }
        if (!raw.Contains('=')) return new SqliteConnectionStringBuilder { DataSource = raw };
        try
        {
            var builder = new SqliteConnectionStringBuilder(raw);
            if (string.IsNullOrWhiteSpace(builder.DataSource) && builder.Mode != SqliteOpenMode.Memory)
                throw metadata.Error("connectionString", "has no 'Data Source'");
            return builder;
        }
        catch (ArgumentException e)
        {
            throw metadata.Error("connectionString", $"is not a valid SQLite connection string: {e.Message}");
        }
    }

    /// <summary>Switches the file to WAL (a persistent property of the file) and, for memory databases, keeps one open.</summary>
    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (IsInMemory)
        {
            _keepAlive ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var path = new SqliteConnectionStringBuilder(_connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = _perConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_keepAlive is not null) await _keepAlive.DisposeAsync().ConfigureAwait(false);
        _keepAlive = null;
        // Pooled connections would otherwise keep the file open after the store is gone.
        using var forPool = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(forPool);
    }
}
