using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using YamlDotNet.RepresentationModel;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// Dapr <c>HTTPEndpoint</c> resources: a name that stands for a non-Dapr HTTP service (<c>spec.baseUrl</c>), with
/// headers added to every call (<c>spec.headers[].name/value</c>). A mistake names the file and field.
/// </summary>
public sealed class HttpEndpoints
{
    public static readonly HttpEndpoints None = new([]);

    private readonly Dictionary<string, HttpEndpoint> _byName;

    private HttpEndpoints(IEnumerable<HttpEndpoint> endpoints) => _byName = endpoints.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public bool TryGet(string name, out HttpEndpoint endpoint) => _byName.TryGetValue(name, out endpoint!);

    public static HttpEndpoints Load(IEnumerable<ResourceDocument> documents, string appId)
    {
        var list = new List<HttpEndpoint>();
        foreach (var d in documents.Where(d => d.Kind == "HTTPEndpoint"))
        {
            if (!InScope(d, appId)) continue;
            var name = d.Name ?? throw new ComponentConfigurationException(d.File, null, "metadata.name", "is required");
            if (d.Root.Child("spec") is not YamlMappingNode spec)
                throw new ComponentConfigurationException(d.File, name, "spec", "is required");
            if (!YamlNodes.TryGetScalar(spec.Child("baseUrl"), out var baseUrl) || string.IsNullOrWhiteSpace(baseUrl)
                || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ComponentConfigurationException(d.File, name, "spec.baseUrl", "is required and must be an absolute http(s) URL");
            var headers = new List<KeyValuePair<string, string>>();
            if (spec.Child("headers") is YamlSequenceNode seq)
            {
                var i = 0;
                foreach (var h in seq)
                {
                    if (h is not YamlMappingNode hm || !YamlNodes.TryGetScalar(hm.Child("name"), out var hn) || string.IsNullOrEmpty(hn))
                        throw new ComponentConfigurationException(d.File, name, $"spec.headers[{i}].name", "is required");
                    YamlNodes.TryGetScalar(hm.Child("value"), out var hv);
                    headers.Add(new(hn, hv ?? ""));
                    i++;
                }
            }
            list.Add(new HttpEndpoint(name, new Uri(baseUrl.TrimEnd('/') + "/"), headers));
        }
        return new HttpEndpoints(list);
    }

    private static bool InScope(ResourceDocument d, string appId) =>
        d.Root.Child("scopes") is not YamlSequenceNode scopes || scopes.Children.Count == 0
        || scopes.OfType<YamlScalarNode>().Any(s => s.Value == appId);
}

public sealed record HttpEndpoint(string Name, Uri BaseUrl, IReadOnlyList<KeyValuePair<string, string>> Headers);
