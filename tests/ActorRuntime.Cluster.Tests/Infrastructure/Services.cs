using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL and Redis servers of <c>bash scripts/services.sh start</c> (or <c>ACTORRT_TEST_POSTGRES</c> /
/// <c>ACTORRT_TEST_REDIS</c>), with clean-up of what a test left there (its membership rows, table and keys).
/// </summary>
public static class Services
{
    public static string Postgres =>
        Environment.GetEnvironmentVariable("ACTORRT_TEST_POSTGRES") is { Length: > 0 } v ? v : "Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt";

    public static string Redis =>
        Environment.GetEnvironmentVariable("ACTORRT_TEST_REDIS") is { Length: > 0 } v ? v : "127.0.0.1:6390";

    public static async Task EnsurePostgresAsync()
    {
        var b = new NpgsqlConnectionStringBuilder(Postgres);
        await EnsureTcpAsync("PostgreSQL", "ACTORRT_TEST_POSTGRES", b.Host ?? "127.0.0.1", b.Port);
    }

    public static async Task EnsureRedisAsync()
    {
        var first = Redis.Split(',')[0].Trim();
        var colon = first.LastIndexOf(':');
        await EnsureTcpAsync("Redis", "ACTORRT_TEST_REDIS", colon > 0 ? first[..colon] : first, colon > 0 ? int.Parse(first[(colon + 1)..]) : 6379);
    }

    private static async Task EnsureTcpAsync(string name, string envVar, string host, int port)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(host, port, cts.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            throw new InvalidOperationException($"{name} is not reachable at {host}:{port} ({ex.Message}). Start it with `bash scripts/services.sh start` or set {envVar}.");
        }
    }

    /// <summary>Drops the test's state table and deletes its cluster's membership rows. Best effort.</summary>
    public static async Task CleanPostgresAsync(string clusterId, params string[] tables)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await connection.OpenAsync(cts.Token);
            var sql = tables.Select(t => $"DROP TABLE IF EXISTS \"{t}\";").ToList();
            sql.Add("DELETE FROM orleansmembershiptable WHERE deploymentid = @id;");
            sql.Add("DELETE FROM orleansmembershipversiontable WHERE deploymentid = @id;");
            foreach (var statement in sql)
            {
                await using var command = new NpgsqlCommand(statement, connection);
                command.Parameters.AddWithValue("id", clusterId);
                try { await command.ExecuteNonQueryAsync(cts.Token); }
                catch (PostgresException) { } // e.g. no membership table yet
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
        }
    }

    /// <summary>Deletes every Redis key containing <paramref name="fragment"/> (unique per test). Best effort.</summary>
    public static async Task CleanRedisAsync(string fragment)
    {
        try
        {
            var options = ConfigurationOptions.Parse(Redis);
            options.ConnectTimeout = 5000;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var db = redis.GetDatabase();
            foreach (var endpoint in redis.GetEndPoints())
            {
                var keys = new List<RedisKey>();
                await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: $"*{fragment}*", pageSize: 500)) keys.Add(key);
                foreach (var chunk in keys.Chunk(500)) await db.KeyDeleteAsync(chunk);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
        }
    }
}
