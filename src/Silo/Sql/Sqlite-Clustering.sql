-- ActorRuntime: Orleans ADO.NET cluster membership on SQLite (machine-local cluster).
--
-- Applied by SqliteClusteringSchema on every start, inside one IMMEDIATE transaction, so it must stay idempotent:
-- tables are created only when missing and every query row is replaced by the current text.
--
-- Contract with Microsoft.Orleans.Clustering.AdoNet 10.4.2 (invariant "System.Data.SQLite", which the provider
-- resolves to Microsoft.Data.Sqlite):
--   * the provider reads  SELECT QueryKey, QueryText FROM OrleansQuery  once and needs every key inserted below
--     (CleanupDefunctSiloEntryKey is optional for the provider; we supply it so cleanup removes exactly the rows it
--     decided on);
--   * parameters are bound by name (@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
--     @ProxyPort, @SuspectTimes, @StartTime, @IAmAliveTime, @Version); a query may only use the parameters the
--     provider passes for that key, or Microsoft.Data.Sqlite refuses to run it;
--   * result columns are read by name; "did it work" answers are one row with one number (> 0 means yes);
--   * times are bound as DateTime and stored by Microsoft.Data.Sqlite as ISO-8601 text ('yyyy-MM-dd HH:mm:ss.FFFFFFF'),
--     which sorts and compares correctly as text.
--
-- Writes that touch two tables run in an explicit BEGIN IMMEDIATE ... COMMIT inside the query text. The connection
-- string disables pooling, so if a statement fails the connection is closed and SQLite rolls the transaction back.
-- The answer row is selected after COMMIT: changes() still reports the last INSERT/UPDATE/DELETE.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per cluster (DeploymentId = ClusterId). Version is the optimistic-concurrency token of the whole table:
-- every membership insert/update must present the version it read and bumps it.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT    NOT NULL PRIMARY KEY,
    Timestamp    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    Version      INTEGER NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT    NOT NULL,
    Address      TEXT    NOT NULL,
    Port         INTEGER NOT NULL,
    Generation   INTEGER NOT NULL,
    SiloName     TEXT    NOT NULL,
    HostName     TEXT    NOT NULL,
    Status       INTEGER NOT NULL,
    ProxyPort    INTEGER NULL,
    SuspectTimes TEXT    NULL,
    StartTime    TEXT    NOT NULL,
    IAmAliveTime TEXT    NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation),
    FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Heartbeat: no version check and no version bump (the provider never checks the answer).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation;
');

-- Creates the cluster's version row if missing; answers 1 when this call created it.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
VALUES (@DeploymentId, CURRENT_TIMESTAMP, 0)
ON CONFLICT (DeploymentId) DO NOTHING;
SELECT changes() AS Inserted;
');

-- Adds a silo row only if the caller saw the current table version and the row is new; then bumps the version.
-- Answers 1 on success, 0 when the version moved on or the row exists (the provider re-reads and retries).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
BEGIN IMMEDIATE;
INSERT INTO OrleansMembershipTable
    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
WHERE EXISTS (SELECT 1 FROM OrleansMembershipVersionTable
              WHERE DeploymentId = @DeploymentId AND Version = @Version)
ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
UPDATE OrleansMembershipVersionTable
SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
WHERE DeploymentId = @DeploymentId AND Version = @Version AND changes() > 0;
COMMIT;
SELECT changes() AS Updated;
');

-- Changes a silo row (status, suspicions, heartbeat) only if the caller saw the current table version; then bumps it.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
BEGIN IMMEDIATE;
UPDATE OrleansMembershipTable
SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation
  AND EXISTS (SELECT 1 FROM OrleansMembershipVersionTable
              WHERE DeploymentId = @DeploymentId AND Version = @Version);
UPDATE OrleansMembershipVersionTable
SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
WHERE DeploymentId = @DeploymentId AND Version = @Version AND changes() > 0;
COMMIT;
SELECT changes() AS Updated;
');

-- One silo's row with the table version; the version row is returned even when the silo has no row.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address
      AND m.Port = @Port
      AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
');

-- Every silo row of the cluster with the table version (one row with NULL silo columns when there are none).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
');

-- Forgets a whole cluster.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
BEGIN IMMEDIATE;
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
COMMIT;
');

-- Gateways clients may connect to: active silos that opened a gateway port (@Status is "Active").
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = @Status
  AND ProxyPort > 0;
');

-- Bulk cleanup (used by the provider only when CleanupDefunctSiloEntryKey is absent): rows that are not Active (3)
-- and have not sent a heartbeat since @IAmAliveTime.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND IAmAliveTime < @IAmAliveTime
  AND Status <> 3;
');

-- Per-row cleanup: the provider picks Dead (6) rows that are old enough and passes the values it read; the row is
-- deleted only if it is still Dead and unchanged since (no new heartbeat, start or suspicion).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntryKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND COALESCE(SuspectTimes, '''') = COALESCE(@SuspectTimes, '''');
');
