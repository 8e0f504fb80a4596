using System.Text.RegularExpressions;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Sits in every client the tests use to reach a runtime (<see cref="RuntimeProcess.Http"/> and
/// <see cref="RuntimeProcess.GrpcChannel"/>), so every error the suite provokes is scanned: a Dapr error body
/// (<c>{"errorCode",...}</c>) or a gRPC status message that carries a stack frame, a .NET or Orleans exception type name
/// or a silo address fails the test that provoked it. Bodies an app wrote itself (passed through by invocation) are not
/// the runtime's words and are left alone.
/// </summary>
public sealed partial class ErrorBodyScanner(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    [GeneratedRegex(@"(?:^|\\n|\n)\s*at \S+\(|--- End of |\bOrleans\.|\b(?:System|Microsoft)\.(?:\w+\.)*\w*Exception\b|\bS\d{1,3}(?:\.\d{1,3}){3}:\d+:\d+")]
    private static partial Regex Internals();

    /// <summary>The internal detail <paramref name="text"/> carries, or null.</summary>
    public static string? Leak(string? text) => text is null ? null : Internals().Match(text) is { Success: true } m ? m.Value : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // gRPC errors without a message body come as trailers-only responses: the status is in the headers.
        if (response.Headers.TryGetValues("grpc-message", out var messages) && Leak(Uri.UnescapeDataString(string.Join(' ', messages))) is { } grpcLeak)
            throw new ErrorLeakException($"{request.Method} {request.RequestUri}: gRPC status message carries '{grpcLeak}': {string.Join(' ', messages)}");
        if ((int)response.StatusCode < 400 || response.Content.Headers.ContentType?.MediaType != "application/json") return response;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Contains("\"errorCode\"", StringComparison.Ordinal) && Leak(body) is { } leak)
            throw new ErrorLeakException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} with '{leak}' in its error body: {body}");
        return response;
    }
}

/// <summary>A runtime error answer carried internals (see <see cref="ErrorBodyScanner"/>).</summary>
public sealed class ErrorLeakException(string message) : Exception(message);
