namespace ActorRuntime.Grains.Actors;

/// <summary>An actor method call, HTTP-shaped: the hosting app receives it as <c>PUT /actors/{type}/{id}/method/{method}</c>.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.actors.call")]
public sealed record ActorCall(
    [property: Id(0)] string Method,
    [property: Id(1)] byte[] Body,
    [property: Id(2)] string? ContentType,
    [property: Id(3)] IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>The hosting app's answer, passed back as it came (status, headers, body).</summary>
[GenerateSerializer, Immutable, Alias("actorrt.actors.answer")]
public sealed record ActorAnswer(
    [property: Id(0)] int Status,
    [property: Id(1)] byte[] Body,
    [property: Id(2)] string? ContentType,
    [property: Id(3)] IReadOnlyList<KeyValuePair<string, string>> Headers,
    [property: Id(4)] ActorFailure? Failure = null);

/// <summary>Why a call did not reach the app (or the runtime refused it), with Dapr's error code.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.actors.failure")]
public sealed record ActorFailure([property: Id(0)] string ErrorCode, [property: Id(1)] string Message, [property: Id(2)] int HttpStatus);

/// <summary>A timer or reminder as registered through Dapr's API: the texts as given (echoed back to the app) and their parsed schedule.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.actors.schedule")]
public sealed record ActorScheduleRequest(
    [property: Id(0)] string Name,
    [property: Id(1)] string? DueTime,
    [property: Id(2)] string? Period,
    [property: Id(3)] string? Ttl,
    [property: Id(4)] string? DataJson,
    [property: Id(5)] string? Callback,
    [property: Id(6)] TimeSpan FirstFireIn,
    [property: Id(7)] TimeSpan? Interval,
    [property: Id(8)] int? Repetitions,
    [property: Id(9)] DateTimeOffset? ExpiresAt);

/// <summary>What a hosting app declared for one actor type in <c>GET /dapr/config</c>.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.actors.typeconfig")]
public sealed record ActorTypeConfig(
    [property: Id(0)] TimeSpan IdleTimeout,
    [property: Id(1)] TimeSpan ScanInterval,
    [property: Id(2)] bool Reentrant,
    [property: Id(3)] int MaxStackDepth,
    [property: Id(4)] TimeSpan DrainOngoingCallTimeout)
{
    public static readonly ActorTypeConfig Default = new(TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(30), false, 32, TimeSpan.FromSeconds(60));
}
