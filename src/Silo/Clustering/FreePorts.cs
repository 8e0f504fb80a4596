using System.Net;
using System.Net.Sockets;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Free TCP ports on 127.0.0.1, found by binding port 0. A port is never handed out twice by one process (two silos
/// configured in one process get different ports); between processes there is the usual small window between
/// choosing a port and Orleans binding it, after which start-up fails with "address in use" and can be retried.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (Given.Add(port)) return port;
            }
        }
        throw new InvalidOperationException("Could not find a free TCP port on 127.0.0.1");
    }
}
