using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings;

/// <summary>
/// A Dapr binding component (<c>bindings.*</c>). One instance per component name; it is an output binding, an input
/// binding or both by implementing <see cref="IOutputBinding"/> and/or <see cref="IInputBinding"/>. The component's
/// <c>direction</c> metadata (<c>input</c>, <c>output</c>, <c>input, output</c>) narrows what the runtime uses.
/// </summary>
public interface IBinding : IComponent
{
    string Name { get; }
    /// <summary>Dapr component type, e.g. <c>bindings.redis</c>.</summary>
    string Type { get; }
}

/// <summary>An output binding: <c>POST /v1.0/bindings/{name}</c> and gRPC <c>InvokeBinding</c>.</summary>
public interface IOutputBinding : IBinding
{
    /// <summary>The operations the component supports (Dapr's names: <c>create</c>, <c>get</c>, <c>exec</c> ...), as the metadata API lists them.</summary>
    IReadOnlyList<string> Operations { get; }

    /// <summary>Runs one operation; throws <see cref="UnsupportedBindingOperationException"/> for an operation not in <see cref="Operations"/>.</summary>
    Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// An input binding: events from the outside world that the runtime delivers to the app. <see cref="ReadAsync"/>
/// runs until cancelled; each event is acknowledged to the source only after <c>handler</c> returns (the app answered
/// 2xx); a handler that throws leaves the event to the source's redelivery.
/// </summary>
public interface IInputBinding : IBinding
{
    Task ReadAsync(Func<BindingEvent, CancellationToken, Task<BindingResponse?>> handler, CancellationToken cancellationToken);
}

/// <summary>What an app asked an output binding to do.</summary>
public sealed record BindingRequest(string Operation, ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata);

/// <summary>What an output binding answered (or what the app answered to an input event, for bindings that reply).</summary>
public sealed record BindingResponse(ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata, string? ContentType = null)
{
    /// <summary>
    /// The binding answered nothing (a Go binding's nil response): this very instance makes the output API reply 204.
    /// Any other response, even one without data or metadata, replies 200, as daprd does.
    /// </summary>
    public static BindingResponse Empty { get; } = new(ReadOnlyMemory<byte>.Empty, new Dictionary<string, string>());

    public bool IsEmpty => ReferenceEquals(this, Empty);
}

/// <summary>One input event: the payload and the source's metadata (delivered to the app as HTTP headers or gRPC metadata).</summary>
public sealed record BindingEvent(ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata);

/// <summary>The operation is not one the binding supports (Dapr answers <c>ERR_INVOKE_OUTPUT_BINDING</c> naming it).</summary>
public sealed class UnsupportedBindingOperationException(string binding, string operation, IEnumerable<string> supported)
    : Exception($"binding {binding} does not support operation {operation}; supported operations: {string.Join(", ", supported)}");

/// <summary>
/// An operation failed but the binding still has metadata to report (the HTTP binding: the status and headers of a
/// non-2xx answer). The HTTP API returns that metadata as <c>metadata.*</c> headers beside the error, as daprd does.
/// </summary>
public sealed class BindingOperationException(string message, BindingResponse? response = null, Exception? inner = null) : Exception(message, inner)
{
    public BindingResponse? Response { get; } = response;
}
