namespace ActorRuntime.Grains.Directory;

/// <summary>Directory grain keys. Apps are per namespace (Dapr's <c>app.namespace</c> ids); actor types are cluster-wide.</summary>
public static class AppDirectoryKeys
{
    public static string ForApp(string? @namespace, string appId) => $"app/{@namespace ?? ""}/{appId}";

    public static string ForActorType(string actorType) => "actor/" + actorType;
}
