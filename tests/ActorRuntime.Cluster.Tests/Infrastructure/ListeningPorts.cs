using System.Globalization;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>The TCP ports a process listens on (Linux: its socket inodes matched against /proc/net/tcp{,6}).</summary>
public static class ListeningPorts
{
    /// <summary>
    /// <paramref name="ports"/> without the Prometheus endpoint: like daprd's metrics port it is plaintext by design
    /// (scrapers do not hold workload certificates) and serves nothing but metrics.
    /// </summary>
    public static async Task<List<int>> WithoutMetricsEndpointAsync(IEnumerable<int> ports)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var kept = new List<int>();
        foreach (var port in ports)
        {
            try
            {
                var body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                if (body.Contains("# TYPE ", StringComparison.Ordinal)) continue;
            }
            catch (Exception) { } // not plaintext HTTP: a runtime port to probe
            kept.Add(port);
        }
        return kept;
    }

    public static IReadOnlySet<int> Of(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
            }
            catch (IOException) { } // closed meanwhile
        }
        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length < 10 || cols[3] != "0A" || !inodes.Contains(cols[9])) continue; // 0A = LISTEN
                ports.Add(int.Parse(cols[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return ports;
    }

    public static int Free()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
