using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.NativeActors;

/// <summary>
/// A Dapr actor written as a C# grain (<see cref="JsonActorGrain"/> with <see cref="DaprActorAttribute"/>): its grain id
/// is <c>dapr.{actorType}/{actorId}</c>, and Dapr's actor API calls it with the method name and the request's JSON body.
/// </summary>
[Alias("actorrt.IJsonActorGrain")]
public interface IJsonActorGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="method"/> with the JSON <paramref name="body"/>; the answer's body is the result as JSON.</summary>
    [Alias("invoke")]
    Task<ActorAnswer> InvokeJson(string method, byte[] body);
}
