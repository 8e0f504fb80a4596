using System.Collections.Concurrent;
using System.Text;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Mqtt;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary><c>bindings.mqtt3</c> against the real Mosquitto of <c>scripts/services.sh</c> (<c>ACTORRT_TEST_MQTT</c>).</summary>
public sealed class MqttBindingTests
{
    private static readonly string Url = Environment.GetEnvironmentVariable("ACTORRT_TEST_MQTT") ?? "tcp://127.0.0.1:1890";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static ComponentDefinition Definition(string topic, string consumer, params (string Name, string Value)[] more) => new()
    {
        Name = "mqtt",
        Type = MqttBinding.TypeName,
        SourceFile = "mqtt.yaml",
        Metadata = new (string, string)[] { ("url", Url), ("topic", topic), ("consumerID", consumer) }.Concat(more)
            .ToDictionary(m => m.Item1, m => new MetadataValue(m.Item2)),
    };

    private static string Unique(string stem) => $"actorrt-test/{stem}/{Guid.NewGuid():N}";

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    private static BindingRequest Create(string text, params (string, string)[] metadata) =>
        new("create", Encoding.UTF8.GetBytes(text), metadata.ToDictionary(m => m.Item1, m => m.Item2));

    [Fact]
    public async Task Create_publishes_and_the_input_side_gets_the_data_with_its_topic()
    {
        var topic = Unique("roundtrip");
        await using var binding = new MqttBinding(Definition(topic, "c" + Guid.NewGuid().ToString("N")[..8]));
        await binding.InitAsync(CancellationToken.None);
        var got = new ConcurrentQueue<BindingEvent>();
        using var stop = new CancellationTokenSource();
        var reading = binding.ReadAsync((e, _) => { got.Enqueue(e); return Task.FromResult<BindingResponse?>(null); }, stop.Token);
        // The subscription is in place once a message sent after it arrives.
        await WaitUntilAsync(() =>
        {
            binding.InvokeAsync(Create("probe"), CancellationToken.None).GetAwaiter().GetResult();
            return !got.IsEmpty;
        }, "the subscription");
        got.Clear();
        foreach (var i in Enumerable.Range(0, 5)) await binding.InvokeAsync(Create("m" + i), CancellationToken.None);
        await WaitUntilAsync(() => got.Count(e => Encoding.UTF8.GetString(e.Data.Span).StartsWith('m')) >= 5, "five messages");
        var texts = got.Select(e => Encoding.UTF8.GetString(e.Data.Span)).Where(t => t.StartsWith('m')).ToList();
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], texts);
        Assert.All(got, e => Assert.Equal(topic, e.Metadata["topic"]));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task A_request_topic_overrides_the_component_topic()
    {
        var other = Unique("override");
        await using var reader = new MqttBinding(Definition(other, "r" + Guid.NewGuid().ToString("N")[..8], ("direction", "input")));
        await using var writer = new MqttBinding(Definition(Unique("unused"), "w" + Guid.NewGuid().ToString("N")[..8], ("direction", "output")));
        await writer.InitAsync(CancellationToken.None);
        var got = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        _ = reader.ReadAsync((e, _) => { got.Enqueue(Encoding.UTF8.GetString(e.Data.Span)); return Task.FromResult<BindingResponse?>(null); }, stop.Token);
        await WaitUntilAsync(() =>
        {
            writer.InvokeAsync(Create("to-other", ("topic", other)), CancellationToken.None).GetAwaiter().GetResult();
            return got.Contains("to-other");
        }, "the overridden topic");
        await stop.CancelAsync();
    }

    [Fact]
    public async Task A_failed_event_is_retried_per_backOffMaxRetries_and_an_unacknowledged_one_comes_back_next_session()
    {
        var topic = Unique("retry");
        var consumer = "k" + Guid.NewGuid().ToString("N")[..8];
        await using var binding = new MqttBinding(Definition(topic, consumer, ("backOffMaxRetries", "1")));
        var attempts = new ConcurrentQueue<string>();
        var failUntil = 1; // first attempt fails, the retry 5 s later succeeds
        using (var stop = new CancellationTokenSource())
        {
            _ = binding.ReadAsync((e, _) =>
            {
                attempts.Enqueue(Encoding.UTF8.GetString(e.Data.Span));
                if (attempts.Count(a => a == "retry-me") <= failUntil && Encoding.UTF8.GetString(e.Data.Span) == "retry-me") throw new InvalidOperationException("app failed");
                return Task.FromResult<BindingResponse?>(null);
            }, stop.Token);
            await WaitUntilAsync(() =>
            {
                binding.InvokeAsync(Create("warm"), CancellationToken.None).GetAwaiter().GetResult();
                return attempts.Contains("warm");
            }, "the subscription");
            await binding.InvokeAsync(Create("retry-me"), CancellationToken.None);
            await WaitUntilAsync(() => attempts.Count(a => a == "retry-me") >= 2, "the retry");
            await stop.CancelAsync();
        }

        // Never taken (backOffMaxRetries 0 here): left unacknowledged in the persistent session, redelivered when reading resumes.
        await using var strict = new MqttBinding(Definition(topic, consumer + "s"));
        var seen = new ConcurrentQueue<string>();
        var fail = true;
        using (var stop = new CancellationTokenSource())
        {
            _ = strict.ReadAsync((e, _) =>
            {
                seen.Enqueue(Encoding.UTF8.GetString(e.Data.Span));
                return Volatile.Read(ref fail) && Encoding.UTF8.GetString(e.Data.Span) == "come-back"
                    ? throw new InvalidOperationException("app failed") : Task.FromResult<BindingResponse?>(null);
            }, stop.Token);
            await WaitUntilAsync(() =>
            {
                strict.InvokeAsync(Create("warm2"), CancellationToken.None).GetAwaiter().GetResult();
                return seen.Contains("warm2");
            }, "the second subscription");
            await strict.InvokeAsync(Create("come-back"), CancellationToken.None);
            await WaitUntilAsync(() => seen.Contains("come-back"), "the failing delivery");
            await stop.CancelAsync();
        }
        Volatile.Write(ref fail, false);
        var before = seen.Count(s => s == "come-back");
        using (var stop = new CancellationTokenSource())
        {
            _ = strict.ReadAsync((e, _) => { seen.Enqueue(Encoding.UTF8.GetString(e.Data.Span)); return Task.FromResult<BindingResponse?>(null); }, stop.Token);
            await WaitUntilAsync(() => seen.Count(s => s == "come-back") > before, "the redelivery on the next session");
            await stop.CancelAsync();
        }
    }

    [Fact]
    public async Task Unsupported_operation_and_bad_metadata_are_refused()
    {
        await using var binding = new MqttBinding(Definition(Unique("ops"), "o1", ("direction", "input")));
        var e = await Assert.ThrowsAsync<UnsupportedBindingOperationException>(() => binding.InvokeAsync(new BindingRequest("get", default, new Dictionary<string, string>()), CancellationToken.None));
        Assert.Contains("create", e.Message);
        Assert.Equal(["create"], binding.Operations);
        Assert.Equal(["INPUT_BINDING"], binding.Capabilities);
        await using (var both = new MqttBinding(Definition(Unique("caps"), "o2"))) Assert.Equal(["INPUT_BINDING", "OUTPUT_BINDING"], both.Capabilities);

        var bad = Assert.Throws<ComponentConfigurationException>(() => new MqttBinding(new ComponentDefinition
        {
            Name = "mqtt", Type = MqttBinding.TypeName, SourceFile = "mqtt.yaml",
            Metadata = new Dictionary<string, MetadataValue> { ["url"] = new("http://x:1"), ["topic"] = new("t"), ["consumerID"] = new("c") },
        }));
        Assert.Contains("mqtt.yaml", bad.Message);
        Assert.Contains("url", bad.Message);
        Assert.Throws<ComponentConfigurationException>(() => new MqttBinding(new ComponentDefinition
        {
            Name = "mqtt", Type = MqttBinding.TypeName, SourceFile = "mqtt.yaml",
            Metadata = new Dictionary<string, MetadataValue> { ["url"] = new(Url), ["consumerID"] = new("c") },
        }));
        var options = MqttBindingOptions.From(new ComponentDefinition
        {
            Name = "mqtt", Type = MqttBinding.TypeName,
            Metadata = new Dictionary<string, MetadataValue> { ["url"] = new("ssl://u%40x:p%3Aw@broker.example"), ["topic"] = new("t"), ["consumerID"] = new("c") },
        });
        Assert.Equal(("broker.example", 8883, true, "u@x", "p:w"), (options.Host, options.Port, options.Tls, options.Username, options.Password));
    }
}
