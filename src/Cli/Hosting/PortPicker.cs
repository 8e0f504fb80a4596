using System.Net;
using System.Net.Sockets;

namespace ActorRuntime.Cli.Hosting;

internal static class PortPicker
{
    /// <summary>The preferred port when nobody listens on it, else a free one: several runs on one machine just work.</summary>
    public static int PreferredOrFree(int preferred, ISet<int> taken)
    {
        if (!taken.Contains(preferred) && IsFree(preferred)) return Take(preferred, taken);
        int port;
        do port = Free(); while (taken.Contains(port));
        return Take(port, taken);
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int Free()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static int Take(int port, ISet<int> taken)
    {
        taken.Add(port);
        return port;
    }
}
