namespace ActorRuntime.Grains.Bindings;

/// <summary>Binding grain keys. A cron binding ticks once per app id (per namespace), whatever its instances.</summary>
public static class BindingGrainKeys
{
    public static string Cron(string? @namespace, string appId, string bindingName) => $"{@namespace ?? ""}/{appId}||{bindingName}";
}
