using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Resiliency;

namespace ActorRuntime.Components.Tests.Resiliency;

/// <summary>Builds registries from YAML text without touching the disk.</summary>
internal static class ResiliencyYaml
{
    public const string FileName = "/res/resiliency.yaml";

    public static IReadOnlyList<ResourceDocument> Docs(string yaml, string file = FileName) =>
        ResourceLoader.ParseDocuments(yaml.Replace("\r\n", "\n"), file);

    public static ResiliencyRegistry Registry(string yaml, string appId = "me", TimeProvider? time = null) =>
        ResiliencyRegistry.Load(Docs(yaml), appId, time ?? TimeProvider.System);

    public static ResiliencyDocument Parse(string yaml) => ResiliencyDocumentParser.Parse(Docs(yaml).Single());

    /// <summary>A Resiliency resource whose <c>spec</c> is <paramref name="spec"/> (written unindented).</summary>
    public static string Resource(string spec, string name = "res", string? scopes = null) =>
        "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: " + name + "\n" +
        (scopes is null ? "" : "scopes: " + scopes + "\n") +
        "spec:\n" + string.Join("\n", spec.Replace("\r\n", "\n").Split('\n').Select(l => "  " + l)) + "\n";
}
