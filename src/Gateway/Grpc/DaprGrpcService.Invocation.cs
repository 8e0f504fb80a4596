using System.Net.Http.Headers;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;
using ActorRuntime.Gateway.Invocation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Common = Dapr.Client.Autogen.Grpc.v1;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindInvocationMethods(ServiceBinderBase binder, DaprGrpcService? s) =>
        binder.AddMethod(Unary("InvokeService", Runtime.InvokeServiceRequest.Parser, Common.InvokeResponse.Parser),
            s is null ? null! : s.InvokeService);

    /// <summary>
    /// Travels as an HTTP call (verb and query from <c>http_extension</c>, NONE meaning POST), like daprd. An HTTP app's
    /// non-2xx answer becomes the matching gRPC status with the body as message and <c>dapr-http-status</c> set.
    /// </summary>
    public virtual async Task<Common.InvokeResponse> InvokeService(Runtime.InvokeServiceRequest request, ServerCallContext context)
    {
        var target = InvocationTarget.Parse(request.Id);
        if (target is null || target.ExternalBase is not null)
            throw DaprErrors.DirectInvoke(request.Id, "invalid app id", 400, StatusCode.InvalidArgument).ToException();
        var message = request.Message ?? new Common.InvokeRequest();
        var verb = message.HttpExtension?.Verb is { } v && v != Common.HTTPExtension.Types.Verb.None ? v.ToString().ToUpperInvariant() : "POST";
        var query = message.HttpExtension?.Querystring;
        var path = "/" + string.Join('/', message.Method.Split('/').Select(Uri.EscapeDataString)) + (string.IsNullOrEmpty(query) ? "" : "?" + query);
        var http = context.GetHttpContext();
        var traceparent = http.Items[TraceContextMiddleware.ItemKey] as string ?? "";

        HttpRequestMessage NewRequest(Uri uri)
        {
            var r = new HttpRequestMessage(new HttpMethod(verb), uri) { Content = new ByteArrayContent(message.Data?.Value.ToByteArray() ?? []) };
            if (!string.IsNullOrEmpty(message.ContentType) && MediaTypeHeaderValue.TryParse(message.ContentType, out var ct)) r.Content.Headers.ContentType = ct;
            foreach (var h in context.RequestHeaders)
            {
                if (h.IsBinary || h.Key.StartsWith(':') || h.Key.StartsWith("grpc-", StringComparison.Ordinal) || h.Key is "content-type" or "te" or "dapr-api-token" or "user-agent") continue;
                r.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
            if (!string.IsNullOrEmpty(message.Data?.TypeUrl)) r.Headers.TryAddWithoutValidation(InvocationHeaders.AnyTypeUrl, message.Data.TypeUrl);
            return r;
        }

        using var response = await policies.ForApp(target.AppId).InvokeAsync(
            c => invoker.InvokeAsync(target, path, NewRequest, traceparent, c), context.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(context.CancellationToken);
        if (response.Headers.TryGetValues(GrpcAppChannel.StatusHeader, out var grpcStatus))
        {
            var detail = response.Headers.TryGetValues(GrpcAppChannel.MessageHeader, out var m) ? Uri.UnescapeDataString(m.First()) : "";
            throw new RpcException(new Status((StatusCode)int.Parse(grpcStatus.First(), System.Globalization.CultureInfo.InvariantCulture), detail));
        }
        var status = (int)response.StatusCode;
        if (status is < 200 or > 299)
        {
            await context.WriteResponseHeadersAsync(new global::Grpc.Core.Metadata { { "dapr-http-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            throw new RpcException(new Status(GrpcStatusOf(status), System.Text.Encoding.UTF8.GetString(body)));
        }
        return new Common.InvokeResponse
        {
            Data = new Any
            {
                Value = ByteString.CopyFrom(body),
                TypeUrl = response.Headers.TryGetValues(InvocationHeaders.AnyTypeUrl, out var t) ? t.First() : "",
            },
            ContentType = response.Content.Headers.ContentType?.ToString() ?? "",
        };
    }

    /// <summary>The usual HTTP-to-gRPC status mapping (as grpc-gateway and daprd use).</summary>
    internal static StatusCode GrpcStatusOf(int http) => http switch
    {
        400 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,
        409 => StatusCode.Aborted,
        412 => StatusCode.FailedPrecondition,
        429 => StatusCode.ResourceExhausted,
        499 => StatusCode.Cancelled,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        504 => StatusCode.DeadlineExceeded,
        _ when http >= 500 => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };
}
