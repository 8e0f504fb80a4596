namespace ActorRuntime.Components.Secrets;

/// <summary>Dapr's secret store feature names, as the metadata API reports them.</summary>
public static class SecretStoreFeatures
{
    /// <summary>A secret holds several keys (Kubernetes secrets, <c>secretstores.local.file</c> with <c>multiValued</c>).</summary>
    public const string MultipleKeyValuesPerSecret = "MULTIPLE_KEY_VALUES_PER_SECRET";
}
