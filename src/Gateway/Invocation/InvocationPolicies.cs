using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// The caller-side resiliency of service invocation (<c>targets.apps</c>): an answer outside 200–399 counts as a
/// failure, as in daprd, but after the last attempt the app's own answer is what the caller gets. An access-control
/// denial is final: it is never retried.
/// </summary>
public sealed class InvocationPolicies(ResiliencyRegistry registry)
{
    public AppPolicy ForApp(string appId) => new(registry.ForApp(appId));

    public readonly struct AppPolicy(ResiliencyPolicy policy)
    {
        public async Task<HttpResponseMessage> InvokeAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken ct)
        {
            if (policy.IsNoOp) return await send(ct);
            HttpResponseMessage? previous = null;
            return await policy.ExecuteAsync(async c =>
            {
                previous?.Dispose(); // a failed answer that is retried is not passed on
                previous = await send(c);
                return previous;
            }, IsFailure, IsRetryable, ct);
        }

        private static bool IsFailure(HttpResponseMessage r) =>
            ((int)r.StatusCode is < 200 or > 399) && !(r.StatusCode == System.Net.HttpStatusCode.Forbidden && r.Headers.Contains(InvocationHeaders.GatewayError));

        private static bool IsRetryable(Exception e) => e is not DaprApiException { Error.HttpStatus: 403 } and not OperationCanceledException;
    }
}
