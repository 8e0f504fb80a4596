using System.Text;
using System.Text.Json;
using ActorRuntime.Grains.Actors;
using ActorRuntime.Grains.NativeActors;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace ActorRuntime.Grains.Tests;

public sealed record Person(string Name, int Age);

/// <summary>A C# actor under test: every shape of method the dispatcher supports.</summary>
[DaprActor("TestJsonActor")]
public sealed class TestJsonActor : JsonActorGrain
{
    private int _calls;

    public string Ping() => "pong";

    public Task<string> Greet(string name) => Task.FromResult($"Hello, {name}");

    public int Add(int a, int b) => a + b;

    public string Join(string a, string b = "default", int times = 1) => string.Concat(Enumerable.Repeat(a + b, times));

    public async ValueTask<Person> Older(Person p, int years)
    {
        await Task.Yield();
        return p with { Age = p.Age + years };
    }

    public Task Touch()
    {
        _calls++;
        return Task.CompletedTask;
    }

    public void Touch2() => _calls++;

    public ValueTask<int> Calls() => ValueTask.FromResult(_calls);

    public async Task<int> Cancelable(int x, CancellationToken ct)
    {
        await Task.Delay(1, ct);
        return x * 2;
    }

    public string[] WhoAmI() => [ActorType, ActorId];

    public string Over() => "none";

    public string Over(int x) => $"one {x}";

    public string Over(int x, int y) => $"two {x} {y}";

    public void Boom(string message) => throw new InvalidOperationException(message);

    public async Task<int> BoomLater()
    {
        await Task.Yield();
        throw new ArgumentException("later");
    }

    /// <summary>Calls a Dapr actor hosted by an app (none is connected in this cluster).</summary>
    public Task<int> CallPolyglot(string id) => GrainFactory.GetDaprActor("NoSuchAppActor", id).InvokeAsync<int>("increment");
}

/// <summary>One silo with the test grains and what actor grains need (<see cref="ActorAppClient"/>).</summary>
public sealed class NativeActorClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSingleton<ActorAppClient>());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

public sealed class NativeActorTests(NativeActorClusterFixture fixture) : IClassFixture<NativeActorClusterFixture>
{
    private IJsonActorGrain Actor(string? id = null) => NativeActorTypes.Grain(fixture.Grains, "TestJsonActor", id ?? Guid.NewGuid().ToString("N"));

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ActorAnswer answer) => Encoding.UTF8.GetString(answer.Body);

    private static async Task<string> OkAsync(Task<ActorAnswer> call)
    {
        var answer = await call;
        Assert.Null(answer.Failure);
        Assert.Equal(200, answer.Status);
        return Text(answer);
    }

    [Fact]
    public async Task No_parameter_ignores_the_body()
    {
        var answer = await Actor().InvokeJson("Ping", Json("{\"whatever\":1}"));
        Assert.Equal(200, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal("\"pong\"", Text(answer));
        Assert.Equal("\"pong\"", await OkAsync(Actor().InvokeJson("ping", [])));
    }

    [Fact]
    public async Task One_parameter_is_the_body_and_method_names_are_case_insensitive()
    {
        Assert.Equal("\"Hello, Ann\"", await OkAsync(Actor().InvokeJson("Greet", Json("\"Ann\""))));
        Assert.Equal("\"Hello, Bob\"", await OkAsync(Actor().InvokeJson("GREET", Json("\"Bob\""))));
    }

    [Fact]
    public async Task Several_parameters_are_a_json_array_or_object()
    {
        Assert.Equal("5", await OkAsync(Actor().InvokeJson("Add", Json("[2,3]"))));
        Assert.Equal("7", await OkAsync(Actor().InvokeJson("add", Json("{\"a\":3,\"B\":4}"))));
        Assert.Equal("{\"name\":\"Ann\",\"age\":33}", await OkAsync(Actor().InvokeJson("Older", Json("[{\"name\":\"Ann\",\"age\":30},3]"))));
    }

    [Fact]
    public async Task Missing_optional_arguments_take_their_defaults()
    {
        Assert.Equal("\"xdefault\"", await OkAsync(Actor().InvokeJson("Join", Json("[\"x\"]"))));
        Assert.Equal("\"xyxy\"", await OkAsync(Actor().InvokeJson("Join", Json("[\"x\",\"y\",2]"))));
        Assert.Equal("\"xdefaultxdefault\"", await OkAsync(Actor().InvokeJson("Join", Json("{\"a\":\"x\",\"times\":2}"))));
    }

    [Fact]
    public async Task Methods_without_a_result_answer_an_empty_200_and_state_lives_in_the_activation()
    {
        var id = Guid.NewGuid().ToString("N");
        var touched = await Actor(id).InvokeJson("Touch", []);
        Assert.Equal(200, touched.Status);
        Assert.Empty(touched.Body);
        Assert.Null(touched.Failure);
        Assert.Equal("", await OkAsync(Actor(id).InvokeJson("touch2", Json("null"))));
        Assert.Equal("2", await OkAsync(Actor(id).InvokeJson("Calls", [])));
    }

    [Fact]
    public async Task Cancellation_token_parameters_are_not_read_from_the_body()
    {
        Assert.Equal("42", await OkAsync(Actor().InvokeJson("Cancelable", Json("21"))));
    }

    [Fact]
    public async Task The_grain_knows_its_actor_type_and_id()
    {
        Assert.Equal("[\"TestJsonActor\",\"a-1\"]", await OkAsync(Actor("a-1").InvokeJson("WhoAmI", [])));
    }

    [Fact]
    public async Task Overloads_are_chosen_by_argument_count()
    {
        Assert.Equal("\"none\"", await OkAsync(Actor().InvokeJson("Over", [])));
        Assert.Equal("\"one 4\"", await OkAsync(Actor().InvokeJson("Over", Json("4"))));
        Assert.Equal("\"two 4 5\"", await OkAsync(Actor().InvokeJson("Over", Json("[4,5]"))));
    }

    [Fact]
    public async Task Unknown_method_is_dapr_error_500()
    {
        var answer = await Actor().InvokeJson("Nope", []);
        Assert.Equal(500, answer.Status);
        Assert.NotNull(answer.Failure);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", answer.Failure.ErrorCode);
        Assert.Equal("method Nope not found on actor type TestJsonActor", answer.Failure.Message);
        Assert.Equal(500, answer.Failure.HttpStatus);
    }

    [Theory]
    [InlineData("OnActivateAsync")]
    [InlineData("InvokeJson")]
    [InlineData("ToString")]
    [InlineData("GetHashCode")]
    [InlineData("get_ActorId")]
    public async Task Infrastructure_methods_are_not_callable(string method)
    {
        var answer = await Actor().InvokeJson(method, []);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", answer.Failure?.ErrorCode);
        Assert.Equal(500, answer.Status);
    }

    [Fact]
    public async Task Exceptions_become_dapr_errors_with_their_message()
    {
        var sync = await Actor().InvokeJson("Boom", Json("\"it broke\""));
        Assert.Equal(500, sync.Status);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", sync.Failure?.ErrorCode);
        Assert.Equal("it broke", sync.Failure?.Message);
        var later = await Actor().InvokeJson("BoomLater", []);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", later.Failure?.ErrorCode);
        Assert.Equal("later", later.Failure?.Message);
    }

    [Theory]
    [InlineData("Greet", "{not json")]
    [InlineData("Add", "3")]
    [InlineData("Add", "[1,2,3]")]
    [InlineData("Add", "{\"a\":1}")]
    [InlineData("Greet", "42")]
    public async Task Bad_arguments_are_dapr_error_400(string method, string body)
    {
        var answer = await Actor().InvokeJson(method, Json(body));
        Assert.Equal(400, answer.Status);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", answer.Failure?.ErrorCode);
    }

    [Fact]
    public void The_cluster_manifest_lists_the_csharp_actor_types()
    {
        var types = new NativeActorTypes(fixture.Cluster.Client.ServiceProvider.GetRequiredService<IClusterManifestProvider>());
        Assert.True(types.Contains("TestJsonActor"));
        Assert.False(types.Contains("testjsonactor"));
        Assert.False(types.Contains("NoSuchActor"));
    }

    [Fact]
    public async Task Proxy_to_an_actor_type_no_app_hosts_throws_daprs_error()
    {
        var ex = await Assert.ThrowsAsync<DaprActorException>(() => fixture.Grains.GetDaprActor("NoSuchAppActor", "p1").InvokeAsync<int>("increment", new { by = 1 }));
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", ex.ErrorCode);
        Assert.Equal(500, ex.Status);
        Assert.Equal("NoSuchAppActor", ex.ActorType);
        Assert.Contains("did not find address for actor", ex.Message);
    }

    [Fact]
    public async Task A_csharp_actor_calling_a_missing_polyglot_actor_fails_with_the_proxys_message()
    {
        var answer = await Actor().InvokeJson("CallPolyglot", Json("\"p2\""));
        Assert.Equal(500, answer.Status);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", answer.Failure?.ErrorCode);
        Assert.Contains("did not find address for actor", answer.Failure?.Message);
    }

    [Fact]
    public async Task DaprActorException_crosses_grain_calls_with_its_fields()
    {
        var caller = fixture.Grains.GetGrain<IProxyCallerGrain>("c");
        var ex = await Assert.ThrowsAsync<DaprActorException>(() => caller.Call("NoSuchAppActor", "p3"));
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", ex.ErrorCode);
        Assert.Equal(500, ex.Status);
        Assert.Equal("p3", ex.ActorId);
        Assert.Equal("increment", ex.Method);
    }
}

public interface IProxyCallerGrain : IGrainWithStringKey
{
    Task<int> Call(string type, string id);
}

public sealed class ProxyCallerGrain : Grain, IProxyCallerGrain
{
    public Task<int> Call(string type, string id) => GrainFactory.GetDaprActor(type, id).InvokeAsync<int>("increment");
}
