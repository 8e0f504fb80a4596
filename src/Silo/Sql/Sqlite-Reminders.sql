-- ActorRuntime: Orleans ADO.NET reminders on SQLite (the machine-local cluster's durable reminder table).
--
-- Applied by SqliteRemindersSchema on every start inside one IMMEDIATE transaction, so it must stay idempotent:
-- tables are created only when missing and every query row is replaced by the current text.
--
-- Contract with Microsoft.Orleans.Reminders.AdoNet 10.4.2 (invariant "System.Data.SQLite", resolved by the provider to
-- Microsoft.Data.Sqlite):
--   * the provider reads  SELECT QueryKey, QueryText FROM OrleansQuery  once and needs all seven keys below;
--   * parameters, bound by name: @ServiceId, @GrainId (the GrainId's string form), @GrainHash / @BeginHash / @EndHash
--     (the uniform hash as a *signed* 32-bit integer), @ReminderName, @StartTime (UTC DateTime), @Period
--     (milliseconds), @Version (the ETag as an integer);
--   * result columns are read by name: GrainId, ReminderName, StartTime, Period, Version; the upsert answers one row
--     with the new Version; the delete answers one row with one number (> 0 means deleted);
--   * ReadRangeRows1Key serves a ring range that does not wrap in signed order (BeginHash < EndHash), ReadRangeRows2Key
--     one that does (or the whole ring, BeginHash = EndHash); both are "greater than begin, up to and including end".
-- Times are stored by Microsoft.Data.Sqlite as ISO-8601 text and read back with GetDateTime.
-- No query opens a transaction of its own: each is one statement (the delete adds a read of changes()), so the
-- connection string's Pooling=False matters less here than for clustering, but it is kept the same.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    TEXT    NOT NULL,
    GrainId      TEXT    NOT NULL,
    ReminderName TEXT    NOT NULL,
    StartTime    TEXT    NOT NULL,
    Period       INTEGER NOT NULL,
    GrainHash    INTEGER NOT NULL,
    Version      INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Range reads (which silo owns which reminders) filter on the hash.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_ServiceId_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

-- Insert or replace one reminder; a new row starts at version 0, a changed one moves to the next version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', '
INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
SET StartTime = excluded.StartTime,
    Period    = excluded.Period,
    GrainHash = excluded.GrainHash,
    Version   = OrleansRemindersTable.Version + 1
RETURNING Version;
');

-- Every reminder of one grain.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId;
');

-- One reminder of one grain.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
  AND ReminderName = @ReminderName;
');

-- A ring range that does not wrap around (in signed order).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainHash > @BeginHash
  AND GrainHash <= @EndHash;
');

-- A ring range that wraps around: everything above the start plus everything up to the end.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
');

-- Removes one reminder if the caller holds its current version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', '
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
  AND ReminderName = @ReminderName
  AND Version = @Version;
SELECT changes() AS Deleted;
');

-- Forgets every reminder of the service (tests).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', '
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId;
');
