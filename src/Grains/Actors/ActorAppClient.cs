using System.Net;

namespace ActorRuntime.Grains.Actors;

/// <summary>
/// How actor grains reach the app hosting an actor: an HTTP/2 call to the internal port of that app's gateway, which
/// passes it to the app as Dapr would (<c>PUT /actors/{type}/{id}/method/...</c>, <c>DELETE /actors/{type}/{id}</c>).
/// Each call carries the cluster's <see cref="Security.ClusterCredential"/>, which the internal port requires.
/// </summary>
public sealed class ActorAppClient(Security.ClusterCredential? credential = null, ActorRuntime.Security.PeerTls? peer = null) : IDisposable
{
    private readonly Security.ClusterCredential _credential = credential ?? Security.ClusterCredential.ProcessDefault;

    /// <summary>Path prefix of actor calls on a gateway's internal port.</summary>
    public const string InternalPrefix = "/_actorrt/actors/";

    private readonly HttpMessageInvoker _http = new(Components.Http.RuntimeHttp.CreatePeerHandler(peer));

    public Task<ActorAnswer> SendAsync(Directory.AppInstance host, HttpMethod method, string actorType, string actorId, string path,
        byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken) =>
        InProcessActorHosts.TryGet(host.InstanceId, out var local)
            ? local.SendAsync(method, actorType, actorId, path, body, contentType, headers, cancellationToken)
            : SendOverNetworkAsync(host.Address, method, actorType, actorId, path, body, contentType, headers, cancellationToken);

    private async Task<ActorAnswer> SendOverNetworkAsync(string hostAddress, HttpMethod method, string actorType, string actorId, string path,
        byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var uri = new Uri($"{hostAddress}{InternalPrefix}{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}{path}");
        using var request = ActorHttpMessages.Request(method, uri, body, contentType, headers);
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        _credential.Stamp(request);
        using var response = await _http.SendAsync(request, cancellationToken);
        return await ActorHttpMessages.AnswerAsync(response, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
