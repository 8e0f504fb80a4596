-- ActorRuntime: the query table every Orleans ADO.NET provider reads (PostgreSQL).
-- Applied by PostgresClusteringSchema before the provider scripts, under an advisory lock; idempotent.
-- Unquoted names fold to lower case; the providers' "SELECT QueryKey, QueryText FROM OrleansQuery" folds the same way
-- and Npgsql matches result column names case-insensitively.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);
