// A calling app: no actors of its own, it reaches CounterActor (hosted by ActorHost, started by another
// `actorrt run`) through its own runtime, with the official SDK's ActorProxy. Exits 0 when every check passed.
//   actorrt run --app-id caller -- dotnet ActorCaller.dll [actorId]
using ActorTestApps;
using Dapr.Actors;
using Dapr.Actors.Client;

var actorId = new ActorId(args.Length > 0 ? args[0] : "caller-" + Guid.NewGuid().ToString("N")[..8]);
var failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "OK" : "FAIL")} {what}");
    if (!ok) failures++;
}

Console.WriteLine($"ActorCaller: DAPR_HTTP_PORT={Environment.GetEnvironmentVariable("DAPR_HTTP_PORT")} actor {ActorTypes.Counter}/{actorId}");
try
{
    // Typed proxy: the SDK's remoting (DataContract) format, X-DaprRequestHeader on the request.
    var counter = ActorProxy.Create<ICounterActor>(actorId, ActorTypes.Counter,
        new ActorProxyOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
    var values = new List<int>();
    for (var i = 0; i < 3; i++) values.Add(await counter.Increment());
    Check(values.SequenceEqual([1, 2, 3]), $"Increment x3 via remoting proxy -> {string.Join(",", values)}");
    Check(await counter.Get() == 3, "Get via remoting proxy -> 3");

    // Untyped proxy: plain JSON bodies, the same calls a non-.NET client makes.
    var untyped = ActorProxy.Create(actorId, ActorTypes.Counter);
    var viaJson = await untyped.InvokeMethodAsync<int>("Get");
    Check(viaJson == 3, $"Get via JSON proxy -> {viaJson}");
    var slow = await untyped.InvokeMethodAsync<int, int>("SlowCall", 10);
    Check(slow == 10, $"SlowCall(10) via JSON proxy -> {slow}");

    // An exception in the actor comes back as ActorMethodInvocationException (X-DaprErrorResponseHeader passed through).
    try
    {
        await counter.Fail("boom");
        Check(false, "Fail(\"boom\") should have thrown");
    }
    catch (ActorMethodInvocationException ex)
    {
        Check(ex.ToString().Contains("boom", StringComparison.Ordinal), $"Fail(\"boom\") -> ActorMethodInvocationException: {ex.InnerException?.Message ?? ex.Message}");
    }

    Console.WriteLine($"served by {await counter.WhoAmI()}");
}
catch (Exception ex)
{
    Console.WriteLine($"FAIL unexpected {ex}");
    failures++;
}

Console.WriteLine(failures == 0 ? "ActorCaller: all checks passed" : $"ActorCaller: {failures} check(s) failed");
return failures == 0 ? 0 : 1;
