namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>The schema and statements of <see cref="SqlitePubSub"/>: one log of messages, a cursor per group, a pending set per group.</summary>
internal static class SqlitePubSubSql
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS pubsub_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            data BLOB NOT NULL,
            partition_key TEXT NULL,
            created_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS pubsub_messages_topic ON pubsub_messages (topic, seq);
        CREATE TABLE IF NOT EXISTS pubsub_groups (
            topic TEXT NOT NULL,
            grp TEXT NOT NULL,
            next_seq INTEGER NOT NULL,
            PRIMARY KEY (topic, grp));
        CREATE TABLE IF NOT EXISTS pubsub_pending (
            topic TEXT NOT NULL,
            grp TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (topic, grp, seq));
        """;

    public const string Publish = "INSERT INTO pubsub_messages (topic, data, partition_key, created_at) VALUES (@topic, @data, @key, @now) RETURNING seq;";

    // A new group starts at the oldest message kept, as a Redis group created at 0 does.
    public const string EnsureGroup = "INSERT OR IGNORE INTO pubsub_groups (topic, grp, next_seq) VALUES (@topic, @grp, 0);";

    public const string ReadNew = """
        SELECT m.seq, m.data, m.partition_key FROM pubsub_messages m
        WHERE m.topic = @topic AND m.seq >= (SELECT next_seq FROM pubsub_groups WHERE topic = @topic AND grp = @grp)
        ORDER BY m.seq LIMIT @count;
        """;

    public const string AddPending = "INSERT OR IGNORE INTO pubsub_pending (topic, grp, seq) VALUES (@topic, @grp, @seq);";

    public const string Advance = "UPDATE pubsub_groups SET next_seq = @next WHERE topic = @topic AND grp = @grp AND next_seq < @next;";

    public const string ReadPending = """
        SELECT m.seq, m.data, m.partition_key FROM pubsub_pending p JOIN pubsub_messages m ON m.seq = p.seq
        WHERE p.topic = @topic AND p.grp = @grp AND p.seq > @after
        ORDER BY p.seq LIMIT @count;
        """;

    public const string Ack = "DELETE FROM pubsub_pending WHERE topic = @topic AND grp = @grp AND seq = @seq;";

    // Messages every group of the topic has passed and none holds pending are gone for good.
    public const string Trim = """
        DELETE FROM pubsub_messages
        WHERE topic = @topic
          AND seq < (SELECT MIN(next_seq) FROM pubsub_groups WHERE topic = @topic)
          AND seq NOT IN (SELECT seq FROM pubsub_pending WHERE topic = @topic);
        """;
}
