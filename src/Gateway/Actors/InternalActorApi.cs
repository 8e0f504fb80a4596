using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Grains.Actors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// Actor grains in other processes call the hosting app through here: <c>/_actorrt/actors/{type}/{id}/...</c> becomes
/// <c>/actors/{type}/{id}/...</c> on the app, through <see cref="ActorAppDelivery"/> (the same checks and policies as
/// the in-process hand-off). The call and its answer are small and whole (the grain holds them as bytes), so they are
/// buffered rather than streamed. A failure made here, not by the app, is a Dapr error marked
/// <see cref="InvocationHeaders.GatewayError"/>, which the grain reads back as such.
/// </summary>
public static class InternalActorApi
{
    public static IEndpointRouteBuilder MapInternalActorApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(ActorAppClient.InternalPrefix + "{type}/{id}/{**rest}", HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext http, string type, string id, ActorAppDelivery delivery)
    {
        var ct = http.RequestAborted;
        // The path after type and id, as sent (still escaped): "/method/..." or "" for a deactivation.
        var raw = InvocationHttpApi.RawTarget(http)[ActorAppClient.InternalPrefix.Length..];
        var afterType = raw.IndexOf('/');
        var afterId = afterType < 0 ? -1 : raw.IndexOf('/', afterType + 1);
        var path = afterId < 0 ? "" : raw[afterId..];

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        var headers = http.Request.Headers
            .Where(h => !HttpForwarding.IsHopByHop(h.Key) && !h.Key.StartsWith(':') && !IsContentHeader(h.Key) && !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
        if (http.Items[Http.TraceContextMiddleware.ItemKey] is string traceparent)
        {
            // The trace context as this gateway continues it, as for invocations.
            headers.RemoveAll(h => h.Key.Equals(Http.TraceContextMiddleware.TraceParent, StringComparison.OrdinalIgnoreCase));
            headers.Add(new(Http.TraceContextMiddleware.TraceParent, traceparent));
        }

        ActorAnswer answer;
        try
        {
            answer = await delivery.SendAsync(new HttpMethod(http.Request.Method), type, id, path, buffer.Length == 0 && HttpMethods.IsDelete(http.Request.Method) ? null : buffer.ToArray(),
                http.Request.ContentType, headers, ct);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            await InternalInvocationApi.WriteGatewayErrorAsync(http, DaprErrors.ActorInvoke($"the app did not answer: {e.Message}"));
            return;
        }
        if (answer.Failure is { } f)
        {
            await InternalInvocationApi.WriteGatewayErrorAsync(http, new DaprError(f.ErrorCode, f.Message, f.HttpStatus, global::Grpc.Core.StatusCode.Internal));
            return;
        }
        http.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
            if (!HttpForwarding.IsHopByHop(name) && !IsContentHeader(name)) http.Response.Headers.Append(name, value);
        if (answer.ContentType is not null) http.Response.ContentType = answer.ContentType;
        if (answer.Body.Length > 0) await http.Response.Body.WriteAsync(answer.Body, ct);
    }

    private static bool IsContentHeader(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
}
