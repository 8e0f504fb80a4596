using System.Text;
using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Tests.State;

public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task UnicodeKeysAndValues_RoundTrip()
    {
        const string name = "ключ-键-🔑-ñ-\u00e9\u0301";
        const string value = "\"значение 值 🎉 \\u0000 ñ\"";
        await SetAsync(name, value);

        Assert.Equal(value, await GetTextAsync(name));
        var scanned = new List<string>();
        await foreach (var (key, _) in Store.ScanAsync(Prefix, Ct)) scanned.Add(key);
        Assert.Equal([Key(name)], scanned);
    }

    [Fact]
    public async Task EmptyValue_RoundTripsAsEmptyNotMissing()
    {
        await Store.SetAsync(new StateWrite(Key("empty"), []), Ct);

        var state = await GetAsync("empty");
        Assert.NotNull(state);
        Assert.Empty(state.Value);
    }

    [Fact]
    public async Task OneMegabyteValue_RoundTrips()
    {
        var value = new byte[1024 * 1024];
        new Random(42).NextBytes(value);
        await Store.SetAsync(new StateWrite(Key("big"), value), Ct).WaitAsync(StepTimeout);

        Assert.Equal(value, (await GetAsync("big"))!.Value);
    }

    [Fact]
    public async Task Scan_ReturnsExactlyTheKeysWithThePrefix()
    {
        await SetAsync("app||a", "1");
        await SetAsync("app||b", "2");
        await SetAsync("app2||c", "3");
        await SetAsync("other", "4");

        var scanned = new Dictionary<string, string>();
        await foreach (var (key, state) in Store.ScanAsync(Key("app||"), Ct)) scanned[key] = Encoding.UTF8.GetString(state.Value);

        Assert.Equal(new Dictionary<string, string> { [Key("app||a")] = "1", [Key("app||b")] = "2" }, scanned);
    }

    [Fact]
    public async Task Scan_TreatsGlobAndLikeCharactersInThePrefixLiterally()
    {
        await SetAsync("a*b%_[x]||1", "1");
        await SetAsync("aXb%_[x]||2", "2");
        await SetAsync("a*bc_[x]||3", "3");

        var scanned = new List<string>();
        await foreach (var (key, _) in Store.ScanAsync(Key("a*b%_[x]||"), Ct)) scanned.Add(key);

        Assert.Equal([Key("a*b%_[x]||1")], scanned);
    }

    [Fact]
    public async Task Scan_ReturnsETags()
    {
        var etag = await SetAsync("k", "v");

        await foreach (var (_, state) in Store.ScanAsync(Prefix, Ct)) Assert.Equal(etag, state.ETag);
    }
}
