using System.Text;
using System.Text.Json;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Query;

namespace ActorRuntime.Components.Tests.State;

/// <summary>The Query API over each store (S8), through <see cref="StateQueryEngine"/> and the store's scan.</summary>
public abstract partial class StateStoreContractTests
{
    private static readonly (string Key, string Org, int Id, string State)[] Employees =
    [
        ("1", "Dev Ops", 1036, "WA"),
        ("2", "Hardware", 1028, "OR"),
        ("3", "Finance", 1071, "CA"),
        ("4", "Dev Ops", 1042, "WA"),
        ("5", "Hardware", 1007, "CA"),
        ("6", "Finance", 1094, "OR"),
        ("7", "Dev Ops", 1015, "CA"),
    ];

    /// <summary>The app's key prefix, built the way the runtime builds it (<c>appid||</c>).</summary>
    private KeyPrefix AppPrefix => KeyPrefix.For(TestServers.Component("state.in-memory"), Prefix[..^KeyPrefix.Separator.Length], null);

    private async Task SeedEmployeesAsync()
    {
        foreach (var e in Employees)
            await SetAsync(e.Key, JsonSerializer.Serialize(new { person = new { org = e.Org, id = e.Id }, state = e.State }));
        // Values that are not JSON objects never match, and another app's data is out of reach.
        await SetAsync("binary", "not json");
        await SetAsync("array", "[1,2,3]");
        await Store.SetAsync(new StateWrite(OutsidePrefix("other" + Prefix + "8"), Bytes("""{"person":{"org":"Dev Ops","id":1},"state":"WA"}""")), Ct);
    }

    private async Task<StateQueryResult> QueryAsync(string query)
    {
        using var document = JsonDocument.Parse(query);
        return await StateQueryEngine.ExecuteAsync(Store, AppPrefix, document.RootElement, Ct).WaitAsync(StepTimeout);
    }

    private async Task<string[]> QueryKeysAsync(string query) => (await QueryAsync(query)).Results.Select(r => r.Key).ToArray();

    [Fact]
    public async Task Query_WithoutFilter_ReturnsEveryJsonObject_WithKeysDataAndETags()
    {
        await SeedEmployeesAsync();
        var etag = await SetAsync("9", """{"person":{"org":"Sales","id":1}}""");

        var result = await QueryAsync("{}");

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "9"], result.Results.Select(r => r.Key));
        var nine = result.Results.Single(r => r.Key == "9");
        Assert.Equal(etag, nine.ETag);
        Assert.Equal("""{"person":{"org":"Sales","id":1}}""", Encoding.UTF8.GetString(nine.Data));
        Assert.Null(result.Token);
    }

    [Theory]
    [InlineData("person.org")]
    [InlineData("value.person.org")]
    public async Task Query_EQ_OnANestedKey(string path)
    {
        await SeedEmployeesAsync();

        Assert.Equal(["1", "4", "7"], await QueryKeysAsync("""{"filter":{"EQ":{"PATH":"Dev Ops"}}}""".Replace("PATH", path)));
    }

    [Fact]
    public async Task Query_EQ_OnANumber()
    {
        await SeedEmployeesAsync();

        Assert.Equal(["3"], await QueryKeysAsync("""{"filter":{"EQ":{"person.id":1071}}}"""));
    }

    [Fact]
    public async Task Query_IN()
    {
        await SeedEmployeesAsync();

        Assert.Equal(["2", "3", "5", "6", "7"], await QueryKeysAsync("""{"filter":{"IN":{"state":["CA","OR"]}}}"""));
    }

    [Fact]
    public async Task Query_AND()
    {
        await SeedEmployeesAsync();

        Assert.Equal(["1", "4"], await QueryKeysAsync("""{"filter":{"AND":[{"EQ":{"person.org":"Dev Ops"}},{"EQ":{"state":"WA"}}]}}"""));
    }

    [Fact]
    public async Task Query_OR_WithANestedAND()
    {
        await SeedEmployeesAsync();

        var keys = await QueryKeysAsync("""
            {"filter":{"OR":[
                {"EQ":{"person.org":"Finance"}},
                {"AND":[{"EQ":{"person.org":"Hardware"}},{"IN":{"state":["CA"]}}]}
            ]}}
            """);

        Assert.Equal(["3", "5", "6"], keys);
    }

    [Fact]
    public async Task Query_SortAscendingAndDescending()
    {
        await SeedEmployeesAsync();

        Assert.Equal(["5", "7", "2", "1", "4", "3", "6"], await QueryKeysAsync("""{"sort":[{"key":"person.id"}]}"""));
        Assert.Equal(["6", "3", "4", "1", "2", "7", "5"], await QueryKeysAsync("""{"sort":[{"key":"person.id","order":"DESC"}]}"""));
    }

    [Fact]
    public async Task Query_SortByTwoKeys()
    {
        await SeedEmployeesAsync();

        var keys = await QueryKeysAsync("""{"sort":[{"key":"state","order":"ASC"},{"key":"person.id","order":"DESC"}]}""");

        Assert.Equal(["3", "7", "5", "6", "2", "4", "1"], keys);
    }

    [Fact]
    public async Task Query_PagesWithTheToken_UntilNoTokenIsReturned()
    {
        await SeedEmployeesAsync();
        var pages = new List<string[]>();
        string? token = null;
        do
        {
            var page = token is null ? "" : $$""","token":"{{token}}" """;
            var result = await QueryAsync($$$"""{"filter":{"IN":{"state":["CA","OR","WA"]}},"sort":[{"key":"person.id"}],"page":{"limit":3{{{page}}}}}""");
            pages.Add(result.Results.Select(r => r.Key).ToArray());
            token = result.Token;
        } while (token is not null && pages.Count < 10);

        Assert.Equal([["5", "7", "2"], ["1", "4", "3"], ["6"]], pages);
    }
}
