using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Redis and PostgreSQL used by the store tests (<c>bash scripts/services.sh start</c> starts both).
/// Each fixture uses its own app id (Redis keys are <c>appid||key</c>) and its own tables, and removes them afterwards.
/// </summary>
public static class ExternalServices
{
    public const string RedisEnvVar = "ACTORRT_TEST_REDIS";
    public const string PostgresEnvVar = "ACTORRT_TEST_POSTGRES";

    public static string RedisHost =>
        Environment.GetEnvironmentVariable(RedisEnvVar) is { Length: > 0 } v ? v : "127.0.0.1:6390";

    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresEnvVar) is { Length: > 0 } v ? v : "Host=127.0.0.1;Port=5440;Username=postgres;Database=actorrt";

    /// <summary>Fails fast, with the fix in the message, when a service is down (rather than a 60 s start-up timeout).</summary>
    public static async Task EnsureRedisAsync()
    {
        var (host, port) = SplitHostPort(RedisHost, 6379);
        await EnsureTcpAsync("Redis", RedisEnvVar, host, port);
    }

    public static async Task EnsurePostgresAsync()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
        await EnsureTcpAsync("PostgreSQL", PostgresEnvVar, b.Host ?? "127.0.0.1", b.Port);
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
            throw new InvalidOperationException(
                $"{name} is not reachable at {host}:{port} ({ex.Message}). Start it with `bash scripts/services.sh start` or set {envVar}.");
        }
    }

    private static (string Host, int Port) SplitHostPort(string value, int defaultPort)
    {
        var first = value.Split(',')[0].Trim();
        var colon = first.LastIndexOf(':');
        return colon > 0 && int.TryParse(first[(colon + 1)..], out var p) ? (first[..colon], p) : (first, defaultPort);
    }

    /// <summary>Deletes every Redis key written under <paramref name="appId"/> (Dapr layout: <c>appid||key</c>).</summary>
    public static async Task DeleteRedisKeysAsync(string appId)
    {
        try
        {
            var options = ConfigurationOptions.Parse(RedisHost);
            options.ConnectTimeout = 5000;
            options.AbortOnConnectFail = true;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var db = redis.GetDatabase();
            foreach (var endpoint in redis.GetEndPoints())
            {
                var server = redis.GetServer(endpoint);
                var keys = new List<RedisKey>();
                await foreach (var key in server.KeysAsync(pattern: appId + "||*", pageSize: 500)) keys.Add(key);
                foreach (var chunk in keys.Chunk(500)) await db.KeyDeleteAsync(chunk);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Cleanup is best effort: the keys are unique to this run anyway.
        }
    }

    public static async Task DropPostgresTablesAsync(params string[] tables)
    {
        try
        {
            await using var connection = new NpgsqlConnection(PostgresConnectionString);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await connection.OpenAsync(cts.Token);
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"DROP TABLE IF EXISTS \"{table}\"";
                await command.ExecuteNonQueryAsync(cts.Token);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            // Best effort; the names are unique per run.
        }
    }
}
