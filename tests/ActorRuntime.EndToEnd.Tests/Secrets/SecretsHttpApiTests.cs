using System.Net;
using System.Text.Json;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>Dapr's secrets HTTP API: response shapes, every store type, scopes and daprd's errors.</summary>
[Collection(SecretsRuntimeCollection.Name)]
public sealed class SecretsHttpApiTests(SecretsRuntimeFixture fixture)
{
    private HttpClient Http => fixture.Runtime.Http;

    private async Task<Dictionary<string, string>> GetAsync(string path)
    {
        var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(body)!;
    }

    private async Task<(HttpStatusCode Status, string Code, string Message)> ErrorAsync(string path)
    {
        var response = await Http.GetAsync(path);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.GetProperty("errorCode").GetString()!, doc.RootElement.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task A_local_file_secret_comes_back_as_a_name_value_map()
    {
        Assert.Equal(new Dictionary<string, string> { ["secret"] = fixture.FileSecret }, await GetAsync("/v1.0/secrets/localsecretstore/secret"));
        Assert.Equal(new Dictionary<string, string> { ["connectionStrings:sql"] = fixture.NestedSecret },
            await GetAsync("/v1.0/secrets/localsecretstore/connectionStrings:sql"));
    }

    [Fact]
    public async Task A_multi_valued_secret_comes_back_with_all_its_keys()
    {
        var cs = await GetAsync("/v1.0/secrets/multistore/connectionStrings");
        Assert.Equal(fixture.NestedSecret, cs["sql"]);
        Assert.Equal(2, cs.Count);
    }

    [Fact]
    public async Task The_env_store_strips_its_prefix_and_metadata_query_parameters_are_accepted()
    {
        Assert.Equal(new Dictionary<string, string> { ["TOKEN"] = fixture.EnvSecret },
            await GetAsync("/v1.0/secrets/envstore/TOKEN?metadata.version_id=1"));
    }

    [Fact]
    public async Task A_store_configured_from_another_store_serves_its_secrets() =>
        Assert.Equal(fixture.ChainedSecret, (await GetAsync("/v1.0/secrets/chained/deep"))["deep"]);

    [Fact]
    public async Task Bulk_returns_every_secret_by_name_minus_those_the_scopes_deny()
    {
        var response = await Http.GetAsync("/v1.0/secrets/localsecretstore/bulk");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var all = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(fixture.FileSecret, all["secret"]["secret"]);
        Assert.Equal(fixture.NestedSecret, all["connectionStrings:sql"]["connectionStrings:sql"]);
        Assert.DoesNotContain("denied", all.Keys);

        var scoped = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(await Http.GetStringAsync("/v1.0/secrets/scoped/bulk"))!;
        Assert.Equal(["secret"], scoped.Keys);

        var multi = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(await Http.GetStringAsync("/v1.0/secrets/multistore/bulk"))!;
        Assert.Equal(fixture.NestedSecret, multi["connectionStrings"]["sql"]);
    }

    [Fact]
    public async Task Scopes_deny_with_403_ERR_PERMISSION_DENIED()
    {
        Assert.Equal(fixture.FileSecret, (await GetAsync("/v1.0/secrets/scoped/secret"))["secret"]);
        var (status, code, message) = await ErrorAsync("/v1.0/secrets/scoped/denied");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("ERR_PERMISSION_DENIED", code);
        Assert.Equal("access denied by policy to get \"denied\" from \"scoped\"", message);

        (status, code, _) = await ErrorAsync("/v1.0/secrets/localsecretstore/denied");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("ERR_PERMISSION_DENIED", code);
    }

    [Fact]
    public async Task An_unknown_store_is_401_and_a_missing_secret_is_500_ERR_SECRET_GET()
    {
        var (status, code, message) = await ErrorAsync("/v1.0/secrets/nostore/secret");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("ERR_SECRET_STORE_NOT_FOUND", code);
        Assert.Equal("failed finding secret store with key nostore", message);

        (status, code, message) = await ErrorAsync("/v1.0/secrets/localsecretstore/absent");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("ERR_SECRET_GET", code);
        Assert.Equal("failed getting secret with key absent from secret store localsecretstore: secret absent not found", message);

        // Name/value mode: an object is flattened, so its own name is not a secret.
        (status, code, _) = await ErrorAsync("/v1.0/secrets/localsecretstore/connectionStrings");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("ERR_SECRET_GET", code);
    }

    [Fact]
    public async Task A_state_store_logs_in_with_a_redis_acl_user_from_the_secret_store()
    {
        var key = Keys.New("acl");
        var save = await Http.PostAsync("/v1.0/state/aclredis", StateHttp.Json($"[{{\"key\":\"{key}\",\"value\":\"through-acl\"}}]"));
        Assert.True(save.StatusCode == HttpStatusCode.NoContent, $"{(int)save.StatusCode} {await save.Content.ReadAsStringAsync()}");
        Assert.Equal("\"through-acl\"", await Http.GetStringAsync($"/v1.0/state/aclredis/{key}"));
    }

    [Fact]
    public async Task A_postgresql_store_takes_its_connection_string_from_the_env_store()
    {
        var key = Keys.New("pg");
        var save = await Http.PostAsync("/v1.0/state/pgsecret", StateHttp.Json($"[{{\"key\":\"{key}\",\"value\":{{\"ok\":true}}}}]"));
        Assert.True(save.StatusCode == HttpStatusCode.NoContent, $"{(int)save.StatusCode} {await save.Content.ReadAsStringAsync()}");
        Assert.Equal("{\"ok\":true}", await Http.GetStringAsync($"/v1.0/state/pgsecret/{key}"));
    }

    [Fact]
    public async Task The_metadata_api_lists_secret_stores_and_shows_no_secret_value()
    {
        var body = await Http.GetStringAsync("/v1.0/metadata");
        using var doc = JsonDocument.Parse(body);
        var components = doc.RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        Assert.Equal("secretstores.local.file", components["localsecretstore"].GetProperty("type").GetString());
        Assert.Equal("secretstores.local.env", components["envstore"].GetProperty("type").GetString());
        Assert.Contains("MULTIPLE_KEY_VALUES_PER_SECRET", components["multistore"].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        foreach (var value in fixture.AllValues) Assert.DoesNotContain(value, body);
    }
}
