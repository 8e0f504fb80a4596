namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// SQL for Dapr's v2 PostgreSQL layout (<c>key, value bytea, isbinary, etag uuid, insertdate, updatedate, expiredate</c>).
/// Expiry is judged by the server clock (<c>CURRENT_TIMESTAMP</c>) so that processes with skewed clocks agree.
/// Each conditional write is one statement whose row count says whether its condition held; row locks make that race-free.
/// </summary>
internal sealed class PostgresStateSql(string table, string metadataTable)
{
    private const string Live = "(expiredate IS NULL OR expiredate > CURRENT_TIMESTAMP)";
    private const string Insert =
        "(key, value, isbinary, etag, updatedate, expiredate) " +
        "VALUES (@key, @value, @isbinary, @etag, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + @ttl)";
    private const string TakeNewRow =
        "value = EXCLUDED.value, isbinary = EXCLUDED.isbinary, etag = EXCLUDED.etag, " +
        "updatedate = CURRENT_TIMESTAMP, expiredate = EXCLUDED.expiredate";

    /// <summary>Index names cannot carry a schema; they land in the table's schema anyway.</summary>
    private string IndexName => table.Replace('.', '_') + "_expiredate_idx";

    /// <summary>Run under an advisory lock: two processes creating the same table at once would otherwise clash on pg_type.</summary>
    public string CreateSchema => $"""
        SELECT pg_advisory_xact_lock(hashtext('actorrt-state-schema'));
        CREATE TABLE IF NOT EXISTS {table} (
            key text NOT NULL PRIMARY KEY,
            value bytea NOT NULL,
            isbinary boolean NOT NULL,
            etag uuid NOT NULL,
            insertdate timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updatedate timestamptz NULL,
            expiredate timestamptz NULL
        );
        CREATE INDEX IF NOT EXISTS {IndexName} ON {table} (expiredate);
        CREATE TABLE IF NOT EXISTS {metadataTable} (key text NOT NULL PRIMARY KEY, value text NOT NULL);
        """;

    /// <summary>Keys longer than this many bytes are notified as "everything changed" (a NOTIFY payload takes at most 8000).</summary>
    public const int MaxNotifiedKeyBytes = 7000;

    private string NotifyFunction => (table.Contains('.') ? table[..(table.LastIndexOf('.') + 1)] : "") + "actorrt_state_notify";

    /// <summary>
    /// A trigger that NOTIFYs channel <c>actorrt_state_{table oid}</c> of every changed key, so every process caching
    /// this table hears of writes made by anyone. Payload: <c>u{etag}{key}</c> after an insert or update,
    /// <c>d{key}</c> after a delete, <c>*</c> for a TRUNCATE or an over-long key. Idempotent; run under the same
    /// advisory lock as <see cref="CreateSchema"/>, since concurrent CREATE OR REPLACE FUNCTION calls clash.
    /// </summary>
    public string CreateNotifyTrigger => $$"""
        SELECT pg_advisory_xact_lock(hashtext('actorrt-state-schema'));
        CREATE OR REPLACE FUNCTION {{NotifyFunction}}() RETURNS trigger LANGUAGE plpgsql AS $actorrt$
        DECLARE channel text := 'actorrt_state_' || TG_RELID::text;
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                PERFORM pg_notify(channel, '*');
                RETURN NULL;
            END IF;
            IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.key <> NEW.key) THEN
                PERFORM pg_notify(channel, CASE WHEN octet_length(OLD.key) > {{MaxNotifiedKeyBytes}} THEN '*' ELSE 'd' || OLD.key END);
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                PERFORM pg_notify(channel, CASE WHEN octet_length(NEW.key) > {{MaxNotifiedKeyBytes}} THEN '*' ELSE 'u' || NEW.etag::text || NEW.key END);
            END IF;
            RETURN NULL;
        END
        $actorrt$;
        DO $actorrt$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '{{table}}'::regclass AND tgname = 'actorrt_notify') THEN
                CREATE TRIGGER actorrt_notify AFTER INSERT OR UPDATE OR DELETE ON {{table}}
                    FOR EACH ROW EXECUTE FUNCTION {{NotifyFunction}}();
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '{{table}}'::regclass AND tgname = 'actorrt_notify_truncate') THEN
                CREATE TRIGGER actorrt_notify_truncate AFTER TRUNCATE ON {{table}}
                    FOR EACH STATEMENT EXECUTE FUNCTION {{NotifyFunction}}();
            END IF;
        END
        $actorrt$;
        """;

    /// <summary>The channel the trigger notifies: named by the table's oid, so every spelling of the table's name agrees.</summary>
    public string NotifyChannel => $"SELECT 'actorrt_state_' || '{table}'::regclass::oid::text";

    public string Get => $"SELECT value, etag, expiredate FROM {table} WHERE key = @key AND {Live}";

    public string Scan => $"SELECT key, value, etag, expiredate FROM {table} WHERE starts_with(key, @prefix) AND {Live} ORDER BY key";

    public string Upsert => $"INSERT INTO {table} AS s {Insert} ON CONFLICT (key) DO UPDATE SET {TakeNewRow}";

    public string UpdateIfETag => $"""
        UPDATE {table} SET value = @value, isbinary = @isbinary, etag = @etag,
            updatedate = CURRENT_TIMESTAMP, expiredate = CURRENT_TIMESTAMP + @ttl
        WHERE key = @key AND etag = @expected AND {Live}
        """;

    /// <summary>Inserts, or takes over a row that expired but was not swept yet; touches nothing if a live row exists.</summary>
    public string InsertIfAbsent => $"""
        INSERT INTO {table} AS s {Insert}
        ON CONFLICT (key) DO UPDATE SET {TakeNewRow}, insertdate = CURRENT_TIMESTAMP
        WHERE s.expiredate IS NOT NULL AND s.expiredate <= CURRENT_TIMESTAMP
        """;

    public string Delete => $"DELETE FROM {table} WHERE key = @key";

    public string DeleteIfETag => $"DELETE FROM {table} WHERE key = @key AND etag = @expected AND {Live}";

    /// <summary>
    /// Claims the next clean-up: changes a row only if no process has cleaned within <c>@interval</c>,
    /// so processes sharing the table do not all sweep it every interval.
    /// </summary>
    public string ClaimCleanup => $"""
        INSERT INTO {metadataTable} AS m (key, value) VALUES (@name, CURRENT_TIMESTAMP::text)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
        WHERE m.value::timestamptz <= CURRENT_TIMESTAMP - @interval
        """;

    public string DeleteExpired => $"DELETE FROM {table} WHERE expiredate IS NOT NULL AND expiredate <= CURRENT_TIMESTAMP";

    public string CleanupMarker => "actorrt-last-cleanup-" + table;
}
