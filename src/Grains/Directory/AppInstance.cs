namespace ActorRuntime.Grains.Directory;

/// <summary>
/// One running app behind one gateway, as the cluster knows it: where its gateway takes calls from other gateways
/// (<see cref="Address"/>, an <c>http://host:port</c> base) and which actor types the app hosts.
/// </summary>
[GenerateSerializer, Immutable, Alias("actorrt.directory.instance")]
public sealed record AppInstance(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string Namespace,
    [property: Id(3)] string Address,
    [property: Id(4)] IReadOnlyList<string> ActorTypes,
    [property: Id(5)] IReadOnlyDictionary<string, Actors.ActorTypeConfig>? ActorConfig = null);
