using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Hosting;

/// <summary>
/// Where this gateway actually listens, as found at run time. <see cref="GatewayOptions.InternalPort"/> is what was
/// asked for (0: any free port, bound by Kestrel); the number in use is known only once the server has started, and is
/// kept here rather than written back into the options.
/// </summary>
public sealed class GatewayEndpoints(IOptions<GatewayOptions> options)
{
    private volatile int _internalPort = options.Value.InternalPort;

    /// <summary>The internal port in use; 0 until the server has started when it was bound as port 0.</summary>
    public int InternalPort => _internalPort;

    public bool InternalPortKnown => _internalPort != 0;

    internal void SetInternalPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        _internalPort = port;
    }
}
