using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>
/// Which incoming requests get a server span. Health probes are left out (polled many times a second, they would bury
/// real traces), and so are pub/sub hand-offs between runtime processes: the delivery's own span, a child of the
/// publisher's context carried in the CloudEvent, stands for them.
/// </summary>
internal static class TracedRequests
{
    public static bool IsTraced(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/v1.0/healthz")) return false;
        if (path.StartsWithSegments(Grains.PubSub.PubSubDeliveryClient.InternalPrefix.TrimEnd('/'))) return false;
        return true;
    }
}
