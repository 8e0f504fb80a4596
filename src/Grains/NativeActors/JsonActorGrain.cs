using System.Text.Json;
using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.NativeActors;

/// <summary>
/// Base class of a Dapr actor written in C#: mark the derived grain with <c>[DaprActor("TypeName")]</c>, and every public
/// instance method it declares can be called by any app through Dapr's actor API, by name (case-insensitive), with
/// JSON arguments and a JSON result:
/// <list type="bullet">
/// <item>no parameter: the body is ignored;</item>
/// <item>one parameter: the body is that argument (an empty body gives the parameter's default);</item>
/// <item>several parameters: the body is a JSON array of the arguments in order (missing trailing optional arguments
/// take their defaults), or a JSON object with one property per parameter name.</item>
/// </list>
/// Methods may return <c>void</c>, <c>T</c>, <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>;
/// a result is answered as <c>200 application/json</c>, no result as an empty <c>200</c>. A <see cref="CancellationToken"/>
/// parameter is not read from the body (it gets <see cref="CancellationToken.None"/>). Calls run one at a time per actor,
/// as any grain's. System.Text.Json web defaults (camelCase) apply unless <see cref="JsonOptions"/> is overridden.
/// </summary>
public abstract class JsonActorGrain : Grain, IJsonActorGrain
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The Dapr actor type: the <see cref="DaprActorAttribute"/>'s name, else the grain type.</summary>
    protected string ActorType => JsonActorDispatcher.For(GetType()).ActorType ?? this.GetGrainId().Type.ToString()!;

    /// <summary>The Dapr actor id (this grain's key).</summary>
    protected string ActorId => this.GetGrainId().Key.ToString()!;

    /// <summary>How arguments are read and results written; System.Text.Json web defaults unless overridden.</summary>
    protected virtual JsonSerializerOptions JsonOptions => WebOptions;

    /// <inheritdoc />
    public Task<ActorAnswer> InvokeJson(string method, byte[] body) =>
        JsonActorDispatcher.For(GetType()).InvokeAsync(this, ActorType, method, body, JsonOptions);
}
