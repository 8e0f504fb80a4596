using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.SharedStore;

/// <summary>
/// A Redis <c>MONITOR</c> connection: sees every command the server runs, so a test can count how often a runtime
/// really went to Redis for a key (a read served from memory sends nothing). Keep it short-lived: MONITOR slows Redis.
/// </summary>
internal sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    public static async Task<RedisMonitor> StartAsync()
    {
        var monitor = new RedisMonitor();
        var first = ExternalServices.RedisHost.Split(',')[0];
        var colon = first.LastIndexOf(':');
        await monitor._client.ConnectAsync(first[..colon], int.Parse(first[(colon + 1)..]));
        var stream = monitor._client.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
        var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = await reader.ReadLineAsync();
        if (ok != "+OK") throw new InvalidOperationException($"MONITOR answered {ok}");
        monitor._reader = Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync(monitor._stop.Token) is { } line) monitor._lines.Enqueue(line);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        });
        return monitor;
    }

    /// <summary>Commands seen so far that name <paramref name="key"/> as an argument.</summary>
    public int CountMentions(string key) => _lines.Count(l => l.Contains($"\"{key}\"", StringComparison.Ordinal));

    /// <summary>
    /// Scripts run on <paramref name="key"/> (each of the store's reads and writes is one script; MONITOR also lists
    /// the commands a script runs, which this leaves out).
    /// </summary>
    public int CountScripts(string key) => _lines.Count(l =>
        l.Contains("\"EVAL", StringComparison.OrdinalIgnoreCase) && l.Contains($"\"{key}\"", StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="key"/> has been mentioned; commands run earlier have been seen by then.</summary>
    public async Task WaitForAsync(string key, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountMentions(key) == 0)
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"MONITOR never showed a command on {key}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _client.Dispose();
        await _reader;
        _stop.Dispose();
    }
}
