using System.Net.Http.Headers;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Grains.Bindings;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// Hands one input binding event to this gateway's app, as daprd does: HTTP <c>POST {route}</c> with the data as the
/// body (<c>application/json</c>) and each metadata entry as a header, a 2xx answer acknowledging it; gRPC
/// <c>OnBindingEvent</c>. Failures (another status, an error, no connection) are retried by the component's inbound
/// resiliency policy (<c>targets.components.{name}.inbound</c>); after that the event is reported failed, so the
/// source can redeliver it if it does (a cron tick is dropped, as in Dapr).
/// </summary>
public sealed partial class InputBindingDelivery(IAppChannel channel, GrpcBindingEvents grpc, AppInputBindings bindings, RuntimeReadiness readiness,
    InboundDelivery inbound, ILogger<InputBindingDelivery> logger) : IBindingDeliveryChannel
{
    public async Task<bool> DeliverAsync(string bindingName, BindingEvent ev, CancellationToken ct)
    {
        if (!readiness.AppServing) throw new HttpRequestException("the app is not ready or not healthy");
        if (!bindings.TryGetRoute(bindingName, out var route)) throw new HttpRequestException($"this app instance does not take input binding {bindingName}");
        try
        {
            var ok = await inbound.DeliverAsync(bindingName, BindingsCatalogExtensions.Category, c => SendAsync(bindingName, route, ev, c),
                ok => ok ? AttemptOutcome.Success : AttemptOutcome.Failure, ct);
            if (!ok) LogGaveUp(bindingName, route);
            return ok;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogDeliveryFailed(bindingName, route, ex.Message);
            return false;
        }
    }

    private async Task<bool> SendAsync(string bindingName, string route, BindingEvent ev, CancellationToken ct)
    {
        using var slot = await channel.EnterAsync(ct);
        if (grpc.IsGrpcApp)
        {
            try
            {
                await grpc.DeliverAsync(bindingName, ev, ct);
                return true;
            }
            catch (global::Grpc.Core.RpcException e) when (!ct.IsCancellationRequested)
            {
                LogGrpcFailed(bindingName, e.Status.StatusCode.ToString(), e.Status.Detail);
                return false;
            }
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(channel.BaseAddress, route)) { Content = new ReadOnlyMemoryContent(ev.Data) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (k, v) in ev.Metadata)
            if (!request.Headers.TryAddWithoutValidation(k, v)) request.Content.Headers.TryAddWithoutValidation(k, v);
        using var response = await channel.SendAsync(request, ct);
        var status = (int)response.StatusCode;
        if (InboundDelivery.FromHttpStatus(status) == AttemptOutcome.Success) return true;
        LogAppFailed(bindingName, route, status);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Input binding {Binding}: the app answered {Status} on {Route}")]
    private partial void LogAppFailed(string binding, string route, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Input binding {Binding}: OnBindingEvent failed with {Code}: {Detail}")]
    private partial void LogGrpcFailed(string binding, string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Input binding {Binding}: the app did not take the event on {Route} within the inbound resiliency policy; the event is reported failed to the source")]
    private partial void LogGaveUp(string binding, string route);

    [LoggerMessage(Level = LogLevel.Error, Message = "Input binding {Binding}: delivering an event to {Route} failed: {Error}")]
    private partial void LogDeliveryFailed(string binding, string route, string error);
}
