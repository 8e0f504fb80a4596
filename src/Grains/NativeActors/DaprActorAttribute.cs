using Orleans.Metadata;

namespace ActorRuntime.Grains.NativeActors;

/// <summary>
/// Exposes a <see cref="JsonActorGrain"/> as the Dapr actor type <see cref="ActorType"/>: any app calls it through
/// <c>/v1.0/actors/{ActorType}/{id}/method/{method}</c>. The grain's Orleans grain type becomes <c>dapr.{ActorType}</c>
/// (no <c>[GrainType]</c> needed), which is how the gateway finds it in the cluster manifest.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DaprActorAttribute : Attribute, IGrainTypeProviderAttribute
{
    /// <summary>Prefix of the grain types of C# actors.</summary>
    public const string GrainTypePrefix = "dapr.";

    public DaprActorAttribute(string actorType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorType);
        if (actorType.Contains('/')) throw new ArgumentException("an actor type name cannot contain '/'", nameof(actorType));
        ActorType = actorType;
    }

    /// <summary>The Dapr actor type name (case-sensitive, as in Dapr).</summary>
    public string ActorType { get; }

    /// <summary>The Orleans grain type of the C# actor type <paramref name="actorType"/>: <c>dapr.{actorType}</c>.</summary>
    public static GrainType GrainTypeOf(string actorType) => GrainType.Create(GrainTypePrefix + actorType);

    /// <summary>The grain id of the actor (<paramref name="actorType"/>, <paramref name="actorId"/>).</summary>
    public static GrainId GrainIdOf(string actorType, string actorId) => GrainId.Create(GrainTypeOf(actorType), actorId);

    GrainType IGrainTypeProviderAttribute.GetGrainType(IServiceProvider services, Type type) => GrainTypeOf(ActorType);
}
