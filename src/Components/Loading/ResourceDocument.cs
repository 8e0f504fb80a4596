using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// One YAML document found in a resources folder, whatever its kind (Component, Subscription, Configuration,
/// Resiliency, HTTPEndpoint, ...). Loaders for the other kinds read <see cref="Root"/> themselves.
/// </summary>
/// <param name="File">Full path of the file the document came from.</param>
/// <param name="Index">0-based position of the document in its file (documents are separated by <c>---</c>).</param>
/// <param name="Line">1-based line where the document starts.</param>
/// <param name="ApiVersion">Top-level <c>apiVersion</c>, or null.</param>
/// <param name="Kind">Top-level <c>kind</c>, or null.</param>
/// <param name="Name"><c>metadata.name</c>, or null.</param>
/// <param name="Namespace"><c>metadata.namespace</c>, or null.</param>
/// <param name="Root">The document's top-level mapping.</param>
public sealed record ResourceDocument(
    string File,
    int Index,
    long Line,
    string? ApiVersion,
    string? Kind,
    string? Name,
    string? Namespace,
    YamlMappingNode Root)
{
    /// <summary>True for <c>kind: Component</c> (Dapr compares kinds exactly).</summary>
    public bool IsComponent => string.Equals(Kind, ResourceLoader.ComponentKind, StringComparison.Ordinal);
}

/// <summary>A component that was found but is not used by this process, and why.</summary>
public sealed record SkippedComponent(string Name, string File, string Reason);

/// <summary>Result of <see cref="ResourceLoader.Load"/>: the components this app uses and those it leaves out.</summary>
public sealed record ResourceLoadResult(IReadOnlyList<Model.ComponentDefinition> Components, IReadOnlyList<SkippedComponent> Skipped);
