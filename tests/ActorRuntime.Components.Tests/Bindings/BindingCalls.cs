using System.Text;
using ActorRuntime.Components.Bindings;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary>Short-hands for calling an output binding the way the gateway does.</summary>
internal static class BindingCalls
{
    public static Task<BindingResponse> Call(this IOutputBinding binding, string operation, string? data = null, params (string Key, string Value)[] metadata) =>
        binding.InvokeAsync(new BindingRequest(operation, data is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(data),
            metadata.ToDictionary(m => m.Key, m => m.Value)), CancellationToken.None);

    public static string Text(this BindingResponse response) => Encoding.UTF8.GetString(response.Data.Span);
}
