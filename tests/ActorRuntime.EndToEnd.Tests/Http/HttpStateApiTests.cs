using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Http;

/// <summary>Dapr's state HTTP API (<c>/v1.0/state/...</c>) against every store type, through one running runtime.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class HttpStateApiTests(StateRuntimeFixture fixture)
{
    private readonly StateHttp _api = new(fixture.Runtime.Http);

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Save_get_delete_round_trips_the_exact_json(string store)
    {
        // S1: the stored bytes are the value's JSON text; a JSON string keeps its quotes, the empty string included.
        var values = new[]
        {
            """{"name":"widget","size":3,"nested":{"tags":["a","b"],"ok":true}}""",
            "42",
            "-1.5e3",
            "true",
            "\"hello\"",
            "\"\"",
            """[1,"two",{"three":3}]""",
            "\"{\\\"json\\\":\\\"inside a string\\\"}\"",
        };
        foreach (var json in values)
        {
            var key = Keys.New("rt");
            await _api.SaveJsonTextAsync(store, key, json);
            var read = await _api.GetExistingAsync(store, key);
            Assert.Equal(json, read.Body);
            Assert.StartsWith("application/json", read.Headers["Content-Type"]);
            Assert.False(read.Headers.ContainsKey("metadata.ttlExpireTime"), "no TTL was set, so no ttlExpireTime is expected");

            using var deleted = await _api.DeleteAsync(store, key);
            await StateHttp.ExpectAsync(deleted, HttpStatusCode.NoContent, $"delete {store}/{key}");
            await _api.AssertMissingAsync(store, key);
        }

        // S2: deleting a key that does not exist succeeds.
        using var again = await _api.DeleteAsync(store, Keys.New("never-saved"));
        await StateHttp.ExpectAsync(again, HttpStatusCode.NoContent, "delete of a missing key");
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Put_saves_too_and_a_later_save_overwrites(string store)
    {
        var key = Keys.New("put");
        using (var put = await _api.Client.PutAsync($"/v1.0/state/{store}",
                   StateHttp.Json(new JsonArray(new JsonObject { ["key"] = key, ["value"] = "first" }))))
        {
            await StateHttp.ExpectAsync(put, HttpStatusCode.NoContent, "PUT save");
        }
        Assert.Equal("\"first\"", (await _api.GetExistingAsync(store, key)).Body);
        await _api.SaveAsync(store, key, "second");
        Assert.Equal("\"second\"", (await _api.GetExistingAsync(store, key)).Body);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Etag_guards_saves_and_if_match_deletes(string store)
    {
        var key = Keys.New("etag");
        await _api.SaveAsync(store, key, new JsonObject { ["v"] = 1 });
        var first = await _api.GetExistingAsync(store, key);

        await _api.SaveAsync(store, key, new JsonObject { ["v"] = 2 }, extra: new JsonObject { ["etag"] = first.ETag });
        var second = await _api.GetExistingAsync(store, key);
        Assert.Equal("""{"v":2}""", second.Body);
        Assert.NotEqual(first.ETag, second.ETag);

        // A stale ETag: 409 Conflict with ERR_STATE_SAVE, and nothing changes.
        var stale = new JsonArray(new JsonObject { ["key"] = key, ["value"] = new JsonObject { ["v"] = 3 }, ["etag"] = first.ETag });
        using (var conflict = await _api.SaveRawAsync(store, stale))
            await StateHttp.ExpectErrorAsync(conflict, 409, "ERR_STATE_SAVE", $"save with a stale etag on {store}");
        var unchanged = await _api.GetExistingAsync(store, key);
        Assert.Equal("""{"v":2}""", unchanged.Body);
        Assert.Equal(second.ETag, unchanged.ETag);

        // Delete with a stale If-Match: 409 ERR_STATE_DELETE, still there.
        using (var badDelete = await _api.DeleteAsync(store, key, ifMatch: first.ETag))
            await StateHttp.ExpectErrorAsync(badDelete, 409, "ERR_STATE_DELETE", $"delete with a stale If-Match on {store}");
        Assert.Equal("""{"v":2}""", (await _api.GetExistingAsync(store, key)).Body);

        using (var goodDelete = await _api.DeleteAsync(store, key, ifMatch: second.ETag))
            await StateHttp.ExpectAsync(goodDelete, HttpStatusCode.NoContent, "delete with the current If-Match");
        await _api.AssertMissingAsync(store, key);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task First_write_concurrency_is_insert_only_without_an_etag(string store)
    {
        var key = Keys.New("fw");
        var firstWrite = new JsonObject { ["options"] = new JsonObject { ["concurrency"] = "first-write" } };
        await _api.SaveAsync(store, key, "one", extra: firstWrite);

        var again = new JsonArray(new JsonObject { ["key"] = key, ["value"] = "two", ["options"] = new JsonObject { ["concurrency"] = "first-write" } });
        using (var conflict = await _api.SaveRawAsync(store, again))
            await StateHttp.ExpectErrorAsync(conflict, 409, "ERR_STATE_SAVE", $"second first-write without etag on {store}");
        var current = await _api.GetExistingAsync(store, key);
        Assert.Equal("\"one\"", current.Body);

        // With the current ETag it succeeds; the now-stale ETag then fails.
        var withEtag = new JsonObject { ["etag"] = current.ETag, ["options"] = new JsonObject { ["concurrency"] = "first-write" } };
        await _api.SaveAsync(store, key, "three", extra: withEtag);
        Assert.Equal("\"three\"", (await _api.GetExistingAsync(store, key)).Body);
        var staleItem = new JsonArray(new JsonObject
        {
            ["key"] = key, ["value"] = "four", ["etag"] = current.ETag,
            ["options"] = new JsonObject { ["concurrency"] = "first-write" },
        });
        using (var stale = await _api.SaveRawAsync(store, staleItem))
            await StateHttp.ExpectErrorAsync(stale, 409, "ERR_STATE_SAVE", $"first-write with a stale etag on {store}");
        Assert.Equal("\"three\"", (await _api.GetExistingAsync(store, key)).Body);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Bulk_save_applies_every_item_and_bulk_get_reports_missing_keys_with_only_the_key(string store)
    {
        var a = Keys.New("bulk-a");
        var b = Keys.New("bulk-b");
        var missing = Keys.New("bulk-missing");
        var items = new JsonArray(
            new JsonObject { ["key"] = a, ["value"] = new JsonObject { ["n"] = 1 } },
            new JsonObject { ["key"] = b, ["value"] = "text" });
        using (var saved = await _api.SaveRawAsync(store, items))
            await StateHttp.ExpectAsync(saved, HttpStatusCode.NoContent, "bulk save");
        var etagA = (await _api.GetExistingAsync(store, a)).ETag;
        var etagB = (await _api.GetExistingAsync(store, b)).ETag;

        var result = await _api.BulkGetAsync(store, a, missing, b);
        Assert.Equal(3, result.Count);
        var byKey = result.Select(n => n!.AsObject()).ToDictionary(o => o["key"]!.GetValue<string>());
        Assert.Equal([a, b, missing], byKey.Keys.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["n"] = 1 }, byKey[a]["data"]), $"bulk data for {a}: {byKey[a].ToJsonString()}");
        Assert.Equal(etagA, byKey[a]["etag"]?.GetValue<string>());
        Assert.Equal("text", byKey[b]["data"]?.GetValue<string>());
        Assert.Equal(etagB, byKey[b]["etag"]?.GetValue<string>());
        // Code uses "data"; a missing key is an entry with only its key (no data, no etag, no error).
        Assert.Equal(["key"], byKey[missing].Select(p => p.Key).ToArray());
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Transaction_applies_upserts_and_deletes_in_order(string store)
    {
        var upserted = Keys.New("tx-up");
        var deleted = Keys.New("tx-del");
        var deleteThenUpsert = Keys.New("tx-du");
        var upsertThenDelete = Keys.New("tx-ud");
        await _api.SaveAsync(store, deleted, "old");
        await _api.SaveAsync(store, deleteThenUpsert, "old");

        var body = new JsonObject
        {
            ["operations"] = new JsonArray(
                Upsert(upserted, new JsonObject { ["x"] = 1 }),
                Delete(deleted),
                Delete(Keys.New("tx-never")), // S4: a delete of a missing key inside a transaction succeeds
                Delete(deleteThenUpsert),
                Upsert(deleteThenUpsert, "new"),
                Upsert(upsertThenDelete, "short-lived"),
                Delete(upsertThenDelete)),
        };
        using (var response = await _api.TransactionAsync(store, body))
        {
            await StateHttp.ExpectAsync(response, HttpStatusCode.NoContent, $"transaction on {store}");
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("""{"x":1}""", (await _api.GetExistingAsync(store, upserted)).Body);
        await _api.AssertMissingAsync(store, deleted);
        Assert.Equal("\"new\"", (await _api.GetExistingAsync(store, deleteThenUpsert)).Body);
        await _api.AssertMissingAsync(store, upsertThenDelete);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Transaction_with_a_stale_etag_fails_with_409_and_changes_nothing(string store)
    {
        var guarded = Keys.New("txg");
        var fresh = Keys.New("txf");
        var victim = Keys.New("txv");
        await _api.SaveAsync(store, guarded, 1);
        var staleEtag = (await _api.GetExistingAsync(store, guarded)).ETag;
        await _api.SaveAsync(store, guarded, 2);
        await _api.SaveAsync(store, victim, "keep me");
        var victimBefore = await _api.GetExistingAsync(store, victim);

        var body = new JsonObject
        {
            ["operations"] = new JsonArray(
                Upsert(fresh, "should not exist"),
                Delete(victim),
                Upsert(guarded, 3, staleEtag)),
        };
        using (var response = await _api.TransactionAsync(store, body))
            await StateHttp.ExpectErrorAsync(response, 409, "ERR_STATE_TRANSACTION", $"transaction with a stale etag on {store}");

        await _api.AssertMissingAsync(store, fresh);
        var victimAfter = await _api.GetExistingAsync(store, victim);
        Assert.Equal("\"keep me\"", victimAfter.Body);
        Assert.Equal(victimBefore.ETag, victimAfter.ETag);
        Assert.Equal("2", (await _api.GetExistingAsync(store, guarded)).Body);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Ttl_sets_ttlExpireTime_and_the_value_expires(string store)
    {
        var expiring = Keys.New("ttl");
        var renewed = Keys.New("ttl-renewed");
        var forever = Keys.New("ttl-forever");
        var before = DateTimeOffset.UtcNow;
        await _api.SaveAsync(store, expiring, "bye", query: "?metadata.ttlInSeconds=2");
        await _api.SaveAsync(store, renewed, "first", query: "?metadata.ttlInSeconds=2");
        await _api.SaveAsync(store, forever, "stays", query: "?metadata.ttlInSeconds=-1");
        // Saving again without a TTL removes it (S7).
        await _api.SaveAsync(store, renewed, "second");

        var read = await _api.GetExistingAsync(store, expiring);
        Assert.Equal("\"bye\"", read.Body);
        Assert.True(read.Headers.TryGetValue("metadata.ttlExpireTime", out var expireText), $"GET {store}/{expiring} has no metadata.ttlExpireTime header");
        Assert.True(DateTimeOffset.TryParse(expireText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires),
            $"ttlExpireTime '{expireText}' is not RFC3339");
        Assert.InRange(expires, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(4));

        var bulk = await _api.BulkGetAsync(store, expiring);
        Assert.Equal(expireText, bulk[0]!["metadata"]?["ttlExpireTime"]?.GetValue<string>());

        Assert.False((await _api.GetExistingAsync(store, forever)).Headers.ContainsKey("metadata.ttlExpireTime"), "ttlInSeconds=-1 must not expire");
        Assert.False((await _api.GetExistingAsync(store, renewed)).Headers.ContainsKey("metadata.ttlExpireTime"), "a save without TTL removes the TTL");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        StateRead last;
        do
        {
            await Task.Delay(250);
            last = await _api.GetAsync(store, expiring);
        }
        while (last.Status == HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.True(last.Status == HttpStatusCode.NoContent, $"{store}/{expiring} still readable 20 s after a 2 s TTL: {(int)last.Status} {last.Body}");
        Assert.True(DateTimeOffset.UtcNow >= expires.AddMilliseconds(-1500), $"{store}/{expiring} vanished at {DateTimeOffset.UtcNow:O}, well before {expires:O}");

        // The others outlive the 2 s.
        Assert.Equal("\"second\"", (await _api.GetExistingAsync(store, renewed)).Body);
        Assert.Equal("\"stays\"", (await _api.GetExistingAsync(store, forever)).Body);
        Assert.Equal(["key"], (await _api.BulkGetAsync(store, expiring))[0]!.AsObject().Select(p => p.Key).ToArray());
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Bad_ttl_is_rejected_and_nothing_is_saved(string store)
    {
        foreach (var ttl in new[] { "foo", "1.5", "-7" })
        {
            var key = Keys.New("badttl");
            var items = new JsonArray(new JsonObject { ["key"] = key, ["value"] = 1 });
            using var response = await _api.SaveRawAsync(store, items, $"?metadata.ttlInSeconds={ttl}");
            // daprd fails the save in the store and reports it as ERR_STATE_SAVE (500).
            await StateHttp.ExpectErrorAsync(response, 500, "ERR_STATE_SAVE", $"ttlInSeconds={ttl} on {store}");
            await _api.AssertMissingAsync(store, key);
        }
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Query_filters_sorts_and_pages_when_the_store_reports_QUERY_API(string store)
    {
        var capabilities = await Capabilities(store);
        var run = Guid.NewGuid().ToString("N");
        var query = new JsonObject
        {
            ["filter"] = new JsonObject { ["EQ"] = new JsonObject { ["run"] = run } },
            ["page"] = new JsonObject { ["limit"] = 2 },
        };
        if (!capabilities.Contains("QUERY_API"))
        {
            using var unsupported = await _api.QueryAsync(store, query);
            await StateHttp.ExpectErrorAsync(unsupported, 500, "ERR_STATE_STORE_NOT_SUPPORTED", $"query on {store} without QUERY_API");
            return;
        }

        var orgs = new[] { "A", "B", "A", "C", "A" };
        var keys = new List<string>();
        for (var i = 0; i < orgs.Length; i++)
        {
            var key = Keys.New($"q{i}");
            keys.Add(key);
            var doc = new JsonObject
            {
                ["run"] = run,
                ["person"] = new JsonObject { ["org"] = orgs[i], ["id"] = i + 1 },
                ["city"] = i % 2 == 0 ? "Seattle" : "Portland",
            };
            await _api.SaveAsync(store, key, doc, query: "?metadata.contentType=application/json");
        }

        // EQ on a nested field, AND, sort DESC, and paging through the continuation token.
        var filtered = new JsonObject
        {
            ["filter"] = new JsonObject
            {
                ["AND"] = new JsonArray(
                    new JsonObject { ["EQ"] = new JsonObject { ["run"] = run } },
                    new JsonObject { ["EQ"] = new JsonObject { ["person.org"] = "A" } }),
            },
            ["sort"] = new JsonArray(new JsonObject { ["key"] = "person.id", ["order"] = "DESC" }),
            ["page"] = new JsonObject { ["limit"] = 2 },
        };
        var pages = await QueryAllPages(store, filtered);
        Assert.True(pages.Count >= 2, $"limit 2 over 3 matches should take 2 pages, got {pages.Count}");
        Assert.Equal(2, pages[0].Count);
        var rows = pages.SelectMany(p => p).ToList();
        Assert.Equal([5, 3, 1], rows.Select(r => r["data"]!["person"]!["id"]!.GetValue<int>()).ToArray());
        Assert.Equal([keys[4], keys[2], keys[0]], rows.Select(r => r["key"]!.GetValue<string>()).ToArray());
        foreach (var r in rows)
        {
            var read = await _api.GetExistingAsync(store, r["key"]!.GetValue<string>());
            Assert.Equal(read.ETag, r["etag"]?.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(read.Body), r["data"]), $"query data differs from GET: {r.ToJsonString()} vs {read.Body}");
        }

        // IN and OR, sorted ASC.
        var inOr = new JsonObject
        {
            ["filter"] = new JsonObject
            {
                ["AND"] = new JsonArray(
                    new JsonObject { ["EQ"] = new JsonObject { ["run"] = run } },
                    new JsonObject
                    {
                        ["OR"] = new JsonArray(
                            new JsonObject { ["IN"] = new JsonObject { ["person.org"] = new JsonArray("B", "C") } },
                            new JsonObject { ["EQ"] = new JsonObject { ["person.id"] = 1 } }),
                    }),
            },
            ["sort"] = new JsonArray(new JsonObject { ["key"] = "person.id", ["order"] = "ASC" }),
        };
        var all = (await QueryAllPages(store, inOr)).SelectMany(p => p).ToList();
        Assert.Equal([1, 2, 4], all.Select(r => r["data"]!["person"]!["id"]!.GetValue<int>()).ToArray());
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Save_or_delete_with_an_etag_of_a_deleted_key_conflicts(string store)
    {
        // An ETag in the store's own format, but for a value that is gone: a conditional write cannot succeed.
        var key = Keys.New("gone");
        await _api.SaveAsync(store, key, "v");
        var etag = (await _api.GetExistingAsync(store, key)).ETag;
        using (var deleted = await _api.DeleteAsync(store, key))
            await StateHttp.ExpectAsync(deleted, HttpStatusCode.NoContent, "delete");

        using (var save = await _api.SaveRawAsync(store, new JsonArray(new JsonObject { ["key"] = key, ["value"] = "again", ["etag"] = etag })))
            await StateHttp.ExpectErrorAsync(save, 409, "ERR_STATE_SAVE", $"save with the etag of a deleted key on {store}");
        await _api.AssertMissingAsync(store, key);
        using (var delete = await _api.DeleteAsync(store, key, ifMatch: etag))
            await StateHttp.ExpectErrorAsync(delete, 409, "ERR_STATE_DELETE", $"delete with the etag of a deleted key on {store}");
    }

    [Theory]
    [InlineData(StateRuntimeFixture.Redis)]
    [InlineData(StateRuntimeFixture.Postgres)]
    public async Task Etag_not_in_the_stores_format_is_400(string store)
    {
        // Redis ETags are version numbers and PostgreSQL ETags UUIDs (as in Dapr): anything else is invalid, not a mismatch.
        var key = Keys.New("bad-etag");
        await _api.SaveAsync(store, key, "v");
        using (var save = await _api.SaveRawAsync(store, new JsonArray(new JsonObject { ["key"] = key, ["value"] = "w", ["etag"] = "not an etag" })))
            await StateHttp.ExpectErrorAsync(save, 400, "ERR_STATE_SAVE", $"save with a malformed etag on {store}");
        using (var delete = await _api.DeleteAsync(store, key, ifMatch: "not an etag"))
            await StateHttp.ExpectErrorAsync(delete, 400, "ERR_STATE_DELETE", $"delete with a malformed etag on {store}");
        Assert.Equal("\"v\"", (await _api.GetExistingAsync(store, key)).Body);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Bulk_save_with_one_stale_etag_still_applies_the_other_items(string store)
    {
        // S5: each item of a bulk save stands alone; the request reports the conflict.
        var guarded = Keys.New("bulk-guarded");
        var free = Keys.New("bulk-free");
        await _api.SaveAsync(store, guarded, 1);
        var stale = (await _api.GetExistingAsync(store, guarded)).ETag;
        await _api.SaveAsync(store, guarded, 2);

        var items = new JsonArray(
            new JsonObject { ["key"] = guarded, ["value"] = 3, ["etag"] = stale },
            new JsonObject { ["key"] = free, ["value"] = "applied" });
        using (var response = await _api.SaveRawAsync(store, items))
            await StateHttp.ExpectErrorAsync(response, 409, "ERR_STATE_SAVE", $"bulk save with one stale etag on {store}");
        Assert.Equal("2", (await _api.GetExistingAsync(store, guarded)).Body);
        Assert.Equal("\"applied\"", (await _api.GetExistingAsync(store, free)).Body);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Concurrent_conditional_writes_have_exactly_one_winner(string store)
    {
        const int writers = 12;
        var key = Keys.New("race");
        await _api.SaveAsync(store, key, 0);
        var etag = (await _api.GetExistingAsync(store, key)).ETag;
        var sameEtag = await Task.WhenAll(Enumerable.Range(1, writers).Select(async i =>
        {
            using var r = await _api.SaveRawAsync(store, new JsonArray(new JsonObject { ["key"] = key, ["value"] = i, ["etag"] = etag }));
            return ((int)r.StatusCode, i);
        }));
        var winners = sameEtag.Where(r => r.Item1 == 204).ToList();
        Assert.True(winners.Count == 1, $"{store}: {winners.Count} writes with the same etag succeeded: {string.Join(",", sameEtag.Select(r => r.Item1))}");
        Assert.All(sameEtag.Where(r => r.Item1 != 204), r => Assert.Equal(409, r.Item1));
        Assert.Equal(winners[0].i.ToString(CultureInfo.InvariantCulture), (await _api.GetExistingAsync(store, key)).Body);

        // First-write inserts of a new key: one wins, the rest conflict.
        var fresh = Keys.New("race-fw");
        var inserts = await Task.WhenAll(Enumerable.Range(1, writers).Select(async i =>
        {
            using var r = await _api.SaveRawAsync(store, new JsonArray(new JsonObject
            {
                ["key"] = fresh, ["value"] = i, ["options"] = new JsonObject { ["concurrency"] = "first-write" },
            }));
            return ((int)r.StatusCode, i);
        }));
        var inserted = inserts.Where(r => r.Item1 == 204).ToList();
        Assert.True(inserted.Count == 1, $"{store}: {inserted.Count} first-write inserts succeeded: {string.Join(",", inserts.Select(r => r.Item1))}");
        Assert.Equal(inserted[0].i.ToString(CultureInfo.InvariantCulture), (await _api.GetExistingAsync(store, fresh)).Body);
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Transaction_items_carry_their_own_ttl(string store)
    {
        var key = Keys.New("tx-ttl");
        var body = new JsonObject
        {
            ["operations"] = new JsonArray(new JsonObject
            {
                ["operation"] = "upsert",
                ["request"] = new JsonObject { ["key"] = key, ["value"] = 1, ["metadata"] = new JsonObject { ["ttlInSeconds"] = "100" } },
            }),
        };
        using (var r = await _api.TransactionAsync(store, body))
            await StateHttp.ExpectAsync(r, HttpStatusCode.NoContent, "transaction with a ttl");
        var read = await _api.GetExistingAsync(store, key);
        Assert.True(read.Headers.TryGetValue("metadata.ttlExpireTime", out var expire), $"{store}: no ttlExpireTime after a transactional upsert with ttlInSeconds");
        var expires = DateTimeOffset.Parse(expire!, CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddSeconds(90), DateTimeOffset.UtcNow.AddSeconds(102));
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Keys_are_case_sensitive_and_may_hold_unicode_spaces_and_punctuation(string store)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var keys = new[] { $"Case-{id}", $"case-{id}", $"ключ 日本 a+b%c-{id}", $"semi;colon:at@{id}" };
        var items = new JsonArray([.. keys.Select((k, i) => (JsonNode)new JsonObject { ["key"] = k, ["value"] = i })]);
        using (var saved = await _api.SaveRawAsync(store, items))
            await StateHttp.ExpectAsync(saved, HttpStatusCode.NoContent, "save of unusual keys");
        for (var i = 0; i < keys.Length; i++)
        {
            var read = await _api.GetExistingAsync(store, Uri.EscapeDataString(keys[i]));
            Assert.True(read.Body == i.ToString(CultureInfo.InvariantCulture), $"{store}: key '{keys[i]}' read {read.Body}, expected {i}");
        }
        var bulk = await _api.BulkGetAsync(store, keys);
        var byKey = bulk.ToDictionary(b => b!["key"]!.GetValue<string>(), b => b!["data"]?.ToJsonString());
        for (var i = 0; i < keys.Length; i++)
            Assert.True(byKey.TryGetValue(keys[i], out var data) && data == i.ToString(CultureInfo.InvariantCulture), $"{store}: bulk get of '{keys[i]}' gave {data}");
        foreach (var k in keys)
        {
            using var deleted = await _api.DeleteAsync(store, Uri.EscapeDataString(k));
            await StateHttp.ExpectAsync(deleted, HttpStatusCode.NoContent, $"delete '{k}'");
            await _api.AssertMissingAsync(store, Uri.EscapeDataString(k));
        }
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Large_values_round_trip_and_an_empty_save_is_accepted(string store)
    {
        var key = Keys.New("big");
        var big = "\"" + string.Concat(Enumerable.Range(0, 300_000 / 36).Select(_ => Guid.NewGuid().ToString())) + "\"";
        await _api.SaveJsonTextAsync(store, key, big);
        Assert.Equal(big, (await _api.GetExistingAsync(store, key)).Body);
        await _api.SaveJsonTextAsync(store, key, big.Replace('a', 'b'));
        Assert.Equal(big.Replace('a', 'b'), (await _api.GetExistingAsync(store, key)).Body);

        using var empty = await _api.SaveRawAsync(store, new JsonArray());
        await StateHttp.ExpectAsync(empty, HttpStatusCode.NoContent, "save of an empty array");
    }

    [Fact]
    public async Task Body_over_the_4_MB_default_limit_is_rejected()
    {
        var key = Keys.New("huge");
        var huge = "\"" + new string('x', 5 * 1024 * 1024) + "\"";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/state/{StateRuntimeFixture.Sqlite}")
        {
            Content = StateHttp.Json($"[{{\"key\":\"{key}\",\"value\":{huge}}}]"),
        };
        // With 100-continue the server can refuse by Content-Length before the client sends 5 MB into a closed socket.
        request.Headers.ExpectContinue = true;
        using var response = await _api.Client.SendAsync(request);
        await StateHttp.ExpectErrorAsync(response, 413, "ERR_MALFORMED_REQUEST", "a 5 MB body with the default 4 MB limit");
        await _api.AssertMissingAsync(StateRuntimeFixture.Sqlite, key);
    }

    private async Task<List<List<JsonObject>>> QueryAllPages(string store, JsonObject query)
    {
        var pages = new List<List<JsonObject>>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await _api.QueryAsync(store, query);
            var body = await StateHttp.ExpectAsync(response, HttpStatusCode.OK, $"query on {store}");
            var json = JsonNode.Parse(body)!.AsObject();
            var results = json["results"]?.AsArray().Select(r => r!.AsObject()).ToList() ?? [];
            if (results.Count > 0) pages.Add(results);
            var token = json["token"]?.GetValue<string>();
            var limit = query["page"]?["limit"]?.GetValue<int>();
            if (string.IsNullOrEmpty(token) || limit is null || results.Count < limit) return pages;
            query = query.DeepClone().AsObject();
            query["page"]!["token"] = token;
        }
        throw new Xunit.Sdk.XunitException($"query on {store} still had pages after 10 requests");
    }

    private async Task<HashSet<string>> Capabilities(string store)
    {
        var metadata = JsonNode.Parse(await fixture.Runtime.Http.GetStringAsync("/v1.0/metadata"))!;
        var component = metadata["components"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == store)!;
        return [.. component["capabilities"]!.AsArray().Select(c => c!.GetValue<string>())];
    }

    private static JsonObject Upsert(string key, JsonNode value, string? etag = null)
    {
        var request = new JsonObject { ["key"] = key, ["value"] = value };
        if (etag is not null) request["etag"] = etag;
        return new JsonObject { ["operation"] = "upsert", ["request"] = request };
    }

    private static JsonObject Delete(string key) =>
        new() { ["operation"] = "delete", ["request"] = new JsonObject { ["key"] = key } };
}
