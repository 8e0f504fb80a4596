using ActorRuntime.Components.Bindings;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// What an output binding call produced: the binding's answer, or an error. A failed call may still carry the
/// binding's metadata (the HTTP binding's status and headers), which the HTTP API returns beside the error.
/// </summary>
public sealed record OutputBindingResult(BindingResponse? Response, DaprError? Error);
