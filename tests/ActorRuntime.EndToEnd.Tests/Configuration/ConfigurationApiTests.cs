using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Dapr.Client;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Configuration;

/// <summary>Dapr's Configuration API on <c>configuration.redis</c>: HTTP and the .NET SDK (gRPC), get and subscribe.</summary>
[Collection(ConfigurationRuntimeCollection.Name)]
public sealed class ConfigurationApiTests(ConfigurationRuntimeFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Store = ConfigurationRuntimeFixture.Store;
    private readonly string _k1 = Keys.New("cfg1");
    private readonly string _k2 = Keys.New("cfg2");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await fixture.Redis.GetDatabase().KeyDeleteAsync([_k1, _k2]);

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Http_get_returns_value_and_version_per_key()
    {
        var db = fixture.Redis.GetDatabase();
        await db.StringSetAsync(_k1, "blue||3");
        await db.StringSetAsync(_k2, "plain");
        var response = await fixture.Runtime.Http.GetAsync($"/v1.0/configuration/{Store}?key={_k1}&key={_k2}&key=absent-{_k1}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("blue", doc.RootElement.GetProperty(_k1).GetProperty("value").GetString());
        Assert.Equal("3", doc.RootElement.GetProperty(_k1).GetProperty("version").GetString());
        Assert.Equal("plain", doc.RootElement.GetProperty(_k2).GetProperty("value").GetString());
        Assert.Equal("", doc.RootElement.GetProperty(_k2).GetProperty("version").GetString());
        Assert.False(doc.RootElement.TryGetProperty("absent-" + _k1, out _));

        var alpha = await fixture.Runtime.Http.GetAsync($"/v1.0-alpha1/configuration/{Store}?key={_k1}");
        Assert.Equal(HttpStatusCode.OK, alpha.StatusCode);
    }

    [Fact]
    public async Task Unknown_store_is_400_ERR_CONFIGURATION_STORE_NOT_FOUND()
    {
        var response = await fixture.Runtime.Http.GetAsync("/v1.0/configuration/nostore?key=a");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ERR_CONFIGURATION_STORE_NOT_FOUND", doc.RootElement.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Http_subscribe_delivers_changes_to_the_app_and_unsubscribe_stops_them()
    {
        var db = fixture.Redis.GetDatabase();
        var subscribe = await fixture.Runtime.Http.GetAsync($"/v1.0/configuration/{Store}/subscribe?key={_k1}");
        Assert.Equal(HttpStatusCode.OK, subscribe.StatusCode);
        using var sub = JsonDocument.Parse(await subscribe.Content.ReadAsStringAsync());
        var id = sub.RootElement.GetProperty("id").GetString()!;

        var changedAt = DateTime.UtcNow;
        await db.StringSetAsync(_k1, "green||7");
        var update = await WaitForUpdateAsync(_k1, "green", TimeSpan.FromSeconds(10));
        output.WriteLine($"delivered after {(update.At - changedAt).TotalMilliseconds:0} ms");
        Assert.Equal($"/configuration/{Store}/{_k1}", update.Path);
        Assert.Equal(id, update.Body.GetProperty("id").GetString());
        Assert.Equal("7", update.Body.GetProperty("items").GetProperty(_k1).GetProperty("version").GetString());
        Assert.True(update.At - changedAt < TimeSpan.FromSeconds(1), $"took {(update.At - changedAt).TotalMilliseconds} ms");

        var unsubscribe = await fixture.Runtime.Http.GetAsync($"/v1.0/configuration/{Store}/{id}/unsubscribe");
        using (var doc = JsonDocument.Parse(await unsubscribe.Content.ReadAsStringAsync()))
            Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        await db.StringSetAsync(_k1, "red||8");
        await Task.Delay(1500); // nothing may arrive after unsubscribe: give a late update time to show up
        Assert.DoesNotContain(fixture.Received, r => r.Body.GetProperty("items").TryGetProperty(_k1, out var i) && i.GetProperty("value").GetString() == "red");

        using (var again = JsonDocument.Parse(await fixture.Runtime.Http.GetStringAsync($"/v1.0/configuration/{Store}/{id}/unsubscribe")))
            Assert.False(again.RootElement.GetProperty("ok").GetBoolean());
    }

    private async Task<(string Path, JsonElement Body, DateTime At)> WaitForUpdateAsync(string key, string value, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            foreach (var r in fixture.Received)
                if (r.Body.GetProperty("items").TryGetProperty(key, out var item) && item.GetProperty("value").GetString() == value)
                    return r;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no update {key}={value} within {timeout}:\n{fixture.Runtime.Describe()}");
    }

    [Fact]
    public async Task Sdk_get_subscribe_and_unsubscribe_over_grpc()
    {
        using var client = fixture.Runtime.CreateDaprClient();
        var db = fixture.Redis.GetDatabase();
        await db.StringSetAsync(_k2, "one||1");
        var got = await client.GetConfiguration(Store, [_k2], cancellationToken: Timeout());
        Assert.Equal("one", got.Items[_k2].Value);
        Assert.Equal("1", got.Items[_k2].Version);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var subscription = await client.SubscribeConfiguration(Store, [_k2], cancellationToken: cts.Token);
        var first = new TaskCompletionSource<(IDictionary<string, ConfigurationItem> Items, DateTime At)>();
        var reader = Task.Run(async () =>
        {
            await foreach (var items in subscription.Source.WithCancellation(cts.Token))
                if (items.TryGetValue(_k2, out var i) && i.Value == "two") first.TrySetResult((items, DateTime.UtcNow));
        });
        // The id arrives with the stream's first message; wait for it before changing the key.
        var deadline = Stopwatch.StartNew();
        while (string.IsNullOrEmpty(subscription.Id) && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.False(string.IsNullOrEmpty(subscription.Id), "no subscription id");

        var changedAt = DateTime.UtcNow;
        await db.StringSetAsync(_k2, "two||2");
        var (changed, at) = await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("2", changed[_k2].Version);
        output.WriteLine($"delivered after {(at - changedAt).TotalMilliseconds:0} ms");
        Assert.True(at - changedAt < TimeSpan.FromSeconds(1), $"took {(at - changedAt).TotalMilliseconds} ms");

        var unsubscribed = await client.UnsubscribeConfiguration(Store, subscription.Id, Timeout());
        Assert.True(unsubscribed.Ok);
        cts.Cancel();
        try { await reader; } catch (OperationCanceledException) { } catch (global::Grpc.Core.RpcException) { }
    }
}
