using ActorRuntime.Components;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Resiliency;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// The output bindings building block, shared by the HTTP and gRPC surfaces. Bindings run in the app's gateway, as in
/// daprd's sidecar: a call is the app's request to an outside system, so there is nothing to coordinate across the
/// cluster. Each call runs under the component's outbound resiliency policy (<c>targets.components.&lt;name&gt;.outbound</c>,
/// or the reserved <c>DefaultBindingComponentOutbound*</c> names).
/// </summary>
public sealed partial class BindingsService(ComponentRegistry components, ResiliencyRegistry resiliency, ILogger<BindingsService> logger)
{
    public const string ResiliencyKind = "bindings";

    public async Task<OutputBindingResult> InvokeAsync(string name, BindingRequest request, CancellationToken ct)
    {
        // The checks and their texts are daprd's, in its order.
        if (string.IsNullOrEmpty(request.Operation)) return Failed(name, "operation field is missing from request");
        if (!TryGetOutput(name, out var binding)) return Failed(name, $"couldn't find output binding {name}");
        if (!binding.Operations.Contains(request.Operation, StringComparer.Ordinal))
            return Failed(name, $"binding {name} does not support operation {request.Operation}. supported operations:{string.Join(' ', binding.Operations)}");

        var policy = resiliency.ForComponent(name, ResiliencyKind, ResiliencyDirection.Outbound);
        try
        {
            var response = await policy.ExecuteAsync(c => binding.InvokeAsync(request, c), null, static e => e is not OperationCanceledException, ct);
            return new OutputBindingResult(response, null);
        }
        catch (BindingOperationException e)
        {
            return Failed(name, e.Message, e.Response);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Driver errors (connection refused, SQL errors) are the binding's answer; any secret the component was
            // configured with is masked, since the message goes back to the app.
            var detail = components.TryGetDefinition(name, out var definition) ? definition.RedactSecrets(e.Message) : e.Message;
            return Failed(name, detail);
        }
    }

    /// <summary>A live binding component that implements output and whose <c>direction</c> metadata (if any) includes output.</summary>
    private bool TryGetOutput(string name, out IOutputBinding binding)
    {
        binding = null!;
        if (!components.TryGet<IBinding>(BindingsCatalogExtensions.Category, name, out var component) || component is not IOutputBinding output) return false;
        if (components.TryGetDefinition(name, out var definition)
            && definition.Metadata.TryGetValue("direction", out var direction) && !string.IsNullOrWhiteSpace(direction.Value)
            && !direction.Value.Split(',', StringSplitOptions.TrimEntries).Contains("output", StringComparer.OrdinalIgnoreCase))
            return false;
        binding = output;
        return true;
    }

    private OutputBindingResult Failed(string name, string detail, BindingResponse? response = null)
    {
        LogInvokeFailed(name, detail);
        return new OutputBindingResult(response, BindingErrors.InvokeOutputBinding(name, detail));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Output binding {Name} failed: {Detail}")]
    private partial void LogInvokeFailed(string name, string detail);
}
