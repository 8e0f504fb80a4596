-- ActorRuntime: Orleans ADO.NET grain storage on PostgreSQL (invariant "Npgsql"), used with --storage postgresql.
--
-- Applied after PostgreSQL-Main.sql by PostgresGrainStorageSchema, in one transaction holding the ActorRuntime
-- advisory lock, so it must stay idempotent: tables and indexes are created only when missing, every query row is
-- replaced by the current text.
--
-- Contract with Microsoft.Orleans.Persistence.AdoNet 10.4.2:
--   * keys WriteToStorageKey, ReadFromStorageKey, ClearStorageKey, DeleteStorageKey (the last one because we register
--     the provider with DeleteStateOnClear = true);
--   * parameters, bound by name and typed by the provider: @GrainIdHash, @GrainTypeHash (int), @GrainIdN0, @GrainIdN1
--     (bigint), @GrainTypeString (the state name), @GrainIdExtensionString (string key or key extension, may be NULL),
--     @ServiceId, @GrainStateVersion (int, NULL when the grain has never seen a stored version), @PayloadBinary (bytea);
--   * ReadFromStorageKey answers PayloadBinary and Version by name (no row: nothing stored; NULL payload: cleared);
--   * WriteToStorageKey answers one row, column NewGrainStateVersion: the new version, or NULL when the write lost
--     (the provider then throws InconsistentStateException, Orleans' ETag conflict);
--   * ClearStorageKey / DeleteStorageKey answer one value in the first column: a new version on success, NULL (or no
--     row) on a version mismatch.
--
-- Identity: (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString). Unlike Orleans' own script
-- the table has a UNIQUE index over it (a NULL extension is stored as ''), so two racing first writes of the same
-- grain cannot both insert: the loser's INSERT ... ON CONFLICT DO NOTHING returns no version and it gets a conflict.
-- The hashes are stored for Orleans' tools but not needed to find a row.

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NOT NULL DEFAULT '',
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Identity
    ON OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '');
$q$),

-- With a version: update the row only if it still has that version. Without one: insert only if there is no row.
-- Exactly one of the two branches can act; the answer is the version it wrote, or NULL.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE @GrainStateVersion IS NOT NULL
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
         PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, COALESCE(@GrainIdExtensionString, ''),
           @ServiceId, @PayloadBinary, now(), 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO NOTHING
    RETURNING Version
)
SELECT (SELECT Version FROM updated UNION ALL SELECT Version FROM inserted LIMIT 1) AS NewGrainStateVersion;
$q$),

-- Clear keeping the row (DeleteStateOnClear = false): payload gone, version moves on.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version FROM cleared) AS NewGrainStateVersion;
$q$),

-- Clear removing the row (DeleteStateOnClear = true): answers the version after the one deleted, or NULL.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM OrleansStorage
    WHERE ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version + 1 FROM deleted) AS NewGrainStateVersion;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
