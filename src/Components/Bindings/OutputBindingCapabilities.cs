namespace ActorRuntime.Components.Bindings;

/// <summary>What the metadata API lists for a binding component, with daprd's names.</summary>
public static class OutputBindingCapabilities
{
    public const string Input = "INPUT_BINDING";
    public const string Output = "OUTPUT_BINDING";

    public static IReadOnlyList<string> OutputOnly { get; } = [Output];
}
