using System.Globalization;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// SQL for the Dapr-compatible table (<c>key, value, is_binary, etag, expiration_time, update_time</c>).
/// Times are UTC text <c>yyyy-MM-dd HH:mm:ss.fff</c>, which sorts and compares like Dapr's <c>CURRENT_TIMESTAMP</c> values.
/// </summary>
internal sealed class SqliteStateSql(string table)
{
    private const string Live = "(expiration_time IS NULL OR expiration_time > @now)";
    private const string Columns = "key, value, is_binary, etag, expiration_time, update_time";
    private const string NewRow = "VALUES (@key, @value, 0, @etag, @expires, @now)";
    private const string TakeNewRow =
        "value = excluded.value, is_binary = excluded.is_binary, etag = excluded.etag, " +
        "expiration_time = excluded.expiration_time, update_time = excluded.update_time";

    // Dapr declares value TEXT; SQLite keeps BLOBs as they are in any column, so both sides read each other's rows.
    public string CreateTable => $"""
        CREATE TABLE IF NOT EXISTS {table} (
            key TEXT NOT NULL PRIMARY KEY,
            value BLOB NOT NULL,
            is_binary BOOLEAN NOT NULL,
            etag TEXT NOT NULL,
            expiration_time TIMESTAMP DEFAULT NULL,
            update_time TIMESTAMP NOT NULL
        );
        CREATE INDEX IF NOT EXISTS {table}_expiration_time ON {table} (expiration_time);
        """;

    public string Get => $"SELECT value, is_binary, etag, expiration_time FROM {table} WHERE key = @key AND {Live}";

    /// <summary>Keys are compared as UTF-8 bytes, so all keys with a given prefix follow <c>@prefix</c> in one run.</summary>
    public string ScanFrom => $"SELECT key, value, is_binary, etag, expiration_time FROM {table} WHERE key >= @prefix AND {Live} ORDER BY key";

    public string Upsert => $"INSERT INTO {table} ({Columns}) {NewRow} ON CONFLICT (key) DO UPDATE SET {TakeNewRow}";

    /// <summary>Changes one row only if the live row has <c>@expected</c> as its ETag.</summary>
    public string UpdateIfETag => $"""
        UPDATE {table} SET value = @value, is_binary = 0, etag = @etag, expiration_time = @expires, update_time = @now
        WHERE key = @key AND etag = @expected AND {Live}
        """;

    /// <summary>Inserts, or replaces a row that has expired but not yet been swept; changes nothing if a live row exists.</summary>
    public string InsertIfAbsent => $"""
        INSERT INTO {table} ({Columns}) {NewRow}
        ON CONFLICT (key) DO UPDATE SET {TakeNewRow}
        WHERE {table}.expiration_time IS NOT NULL AND {table}.expiration_time <= @now
        """;

    public string Delete => $"DELETE FROM {table} WHERE key = @key";

    public string DeleteIfETag => $"DELETE FROM {table} WHERE key = @key AND etag = @expected AND {Live}";

    public string DeleteExpired => $"DELETE FROM {table} WHERE expiration_time IS NOT NULL AND expiration_time <= @now";

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
