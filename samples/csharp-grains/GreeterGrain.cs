using ActorRuntime.Grains.NativeActors;

namespace UserSilo;

/// <summary>
/// A Dapr actor written in C#: any app calls it through the actor API, in any language, with JSON arguments —
/// <c>POST /v1.0/actors/GreeterGrain/g1/method/Greet</c> with the body <c>"Ann"</c> answers <c>"Hello, Ann"</c>.
/// Every public method is callable by name (case-insensitive); no grain interface is needed.
/// </summary>
[DaprActor("GreeterGrain")]
public sealed class GreeterGrain : JsonActorGrain
{
    private int _greetings;

    /// <summary>One argument: the request body is that argument as JSON (<c>"Ann"</c>).</summary>
    public Task<string> Greet(string name)
    {
        _greetings++;
        return Task.FromResult($"Hello, {name}");
    }

    /// <summary>No argument: the body is ignored. Counts greetings since this actor was activated.</summary>
    public int Count() => _greetings;

    /// <summary>Several arguments: the body is a JSON array (<c>["Ann", 3]</c>) or object (<c>{"name":"Ann","times":3}</c>).</summary>
    public IEnumerable<string> GreetMany(string name, int times = 1) => Enumerable.Range(1, times).Select(i => $"Hello #{i}, {name}");

    /// <summary>
    /// Calls an actor hosted by a polyglot app (<c>NodeCounterActor</c> of <c>node-actor/app.mjs</c>, method
    /// <c>increment</c>, which answers the new count) and answers what it answered: a C# actor calling a JavaScript
    /// actor through the actor runtime. A failure there throws <see cref="DaprActorException"/> (Dapr's error code and
    /// status), which this actor's caller gets as <c>ERR_ACTOR_INVOKE_METHOD</c>.
    /// </summary>
    public async Task<int> CallNodeActor(string id) =>
        await GrainFactory.GetDaprActor("NodeCounterActor", id).InvokeAsync<int>("increment");

    /// <summary>Throws: callers get Dapr's <c>ERR_ACTOR_INVOKE_METHOD</c> with this message.</summary>
    public void Fail(string why) => throw new InvalidOperationException(why);
}
