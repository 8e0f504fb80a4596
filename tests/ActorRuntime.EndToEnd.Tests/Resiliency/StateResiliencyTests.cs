using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Resiliency;

/// <summary>
/// <c>targets.components.&lt;store&gt;.outbound</c> applied to the state API. The store is made slow for real: a second
/// PostgreSQL connection holds an <c>ACCESS EXCLUSIVE</c> lock on the store's table, so every statement of the runtime
/// waits until the test lets go. Without the policies the calls below would wait for the lock (and the test's own
/// deadline would fail them), be tried once, or keep reaching the store.
/// </summary>
public sealed class StateResiliencyTests(ITestOutputHelper log) : IAsyncLifetime
{
    private const string Slow = "pgslow";
    private const string Breaker = "pgbreaker";
    private const string Defaulted = "pgdefault";

    private const string Resiliency = $"""
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: state-resiliency
        spec:
          policies:
            timeouts:
              storeTimeout: 2s
              DefaultStatestoreComponentOutboundTimeoutPolicy: 1s
            retries:
              twiceQuick:
                policy: constant
                duration: 100ms
                maxRetries: 2
            circuitBreakers:
              storeBreaker:
                maxRequests: 1
                timeout: 5s
                trip: consecutiveFailures > 1
          targets:
            components:
              {Slow}:
                outbound:
                  timeout: storeTimeout
                  retry: twiceQuick
              {Breaker}:
                outbound:
                  timeout: storeTimeout
                  circuitBreaker: storeBreaker
        """;

    private readonly RuntimeSandbox _sandbox = new();
    private RuntimeProcess _runtime = null!;
    private StateHttp _state = null!;

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsurePostgresAsync();
        _sandbox.AddPostgres(Slow).AddPostgres(Breaker).AddPostgres(Defaulted);
        await File.WriteAllTextAsync(Path.Combine(_sandbox.Resources, "resiliency.yaml"), Resiliency);
        _runtime = await RuntimeProcess.StartAsync(_sandbox);
        _state = new StateHttp(_runtime.Http);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_runtime is not null) await _runtime.DisposeAsync();
            await _sandbox.CleanExternalDataAsync();
        }
        finally
        {
            _sandbox.Dispose();
        }
    }

    /// <summary>Locks the store's table in a transaction of its own until disposed (the lock goes with the rollback).</summary>
    private async Task<IAsyncDisposable> LockTableAsync(string store)
    {
        var connection = new NpgsqlConnection(ExternalServices.PostgresConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"LOCK TABLE {_sandbox.UniqueName("state_" + store)} IN ACCESS EXCLUSIVE MODE", connection, transaction))
            await command.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction);
    }

    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Sends a request with a deadline of its own, so a call the policy failed to cut fails the test readably.</summary>
    private async Task<(HttpStatusCode Status, string Body, TimeSpan Took)> TimedAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var sw = Stopwatch.StartNew();
        try
        {
            using var response = await send(cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            log.WriteLine($"{what}: {(int)response.StatusCode} {body} after {sw.ElapsedMilliseconds} ms");
            return (response.StatusCode, body, sw.Elapsed);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{what}: no answer within 20 s, the store's lock was not cut short");
        }
    }

    private Task<(HttpStatusCode Status, string Body, TimeSpan Took)> GetAsync(string store, string key) =>
        TimedAsync(ct => _runtime.Http.GetAsync($"/v1.0/state/{store}/{key}", ct), $"GET {store}/{key}");

    private Task<(HttpStatusCode Status, string Body, TimeSpan Took)> SaveAsync(string store, string key, string value, string? etag = null) =>
        TimedAsync(ct => _runtime.Http.PostAsync($"/v1.0/state/{store}", StateHttp.Json(new JsonArray(etag is null
            ? new JsonObject { ["key"] = key, ["value"] = value }
            : new JsonObject { ["key"] = key, ["value"] = value, ["etag"] = etag })), ct), $"save {store}/{key}");

    private static void AssertError((HttpStatusCode Status, string Body, TimeSpan Took) answer, string code, string text)
    {
        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        var error = JsonNode.Parse(answer.Body)!;
        Assert.Equal(code, (string?)error["errorCode"]);
        Assert.Contains(text, (string?)error["message"]);
        Assert.DoesNotContain("   at ", answer.Body);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_timeout_cuts_a_slow_store_reads_are_retried_and_etag_writes_are_not()
    {
        var versioned = Keys.New("versioned");
        await _state.SaveAsync(Slow, versioned, JsonValue.Create("v1"));
        var etag = (await _state.GetExistingAsync(Slow, versioned)).ETag!;

        await using (await LockTableAsync(Slow))
        {
            // A read: each attempt is cut at 2 s, and it is tried 1 + 2 times before the caller hears of it.
            var read = await GetAsync(Slow, Keys.New("fresh"));
            AssertError(read, "ERR_STATE_GET", "timed out");
            Assert.True(read.Took >= TimeSpan.FromSeconds(5.5), $"3 attempts of 2 s expected, the read took {read.Took.TotalMilliseconds:0} ms");
            Assert.True(read.Took < TimeSpan.FromSeconds(15), $"the read took {read.Took.TotalMilliseconds:0} ms");

            // A transaction without ETags is retried like a read; its error keeps its own code.
            var transaction = await TimedAsync(ct => _runtime.Http.PostAsync($"/v1.0/state/{Slow}/transaction", StateHttp.Json(
                """{"operations":[{"operation":"upsert","request":{"key":"tx-k","value":"v"}}]}"""), ct), "transaction");
            AssertError(transaction, "ERR_STATE_TRANSACTION", "timed out");
            Assert.True(transaction.Took >= TimeSpan.FromSeconds(5.5), $"3 attempts of 2 s expected, the transaction took {transaction.Took.TotalMilliseconds:0} ms");

            // A bulk get reports the timeout per key, in a 200.
            var bulk = await TimedAsync(ct => _runtime.Http.PostAsync($"/v1.0/state/{Slow}/bulk", StateHttp.Json($$"""{"keys":["{{Keys.New("b")}}"]}"""), ct), "bulk get");
            Assert.Equal(HttpStatusCode.OK, bulk.Status);
            Assert.Contains("timed out", (string?)JsonNode.Parse(bulk.Body)![0]!["error"]);

            // A write with an ETag is tried once: a retry after a timed-out attempt could turn its success into a 409.
            var write = await SaveAsync(Slow, versioned, "v2", etag);
            AssertError(write, "ERR_STATE_SAVE", "timed out");
            Assert.True(write.Took < TimeSpan.FromSeconds(5), $"one 2 s attempt expected, the write took {write.Took.TotalMilliseconds:0} ms");
        }

        // The lock is gone: the store answers again.
        var after = await SaveAsync(Slow, Keys.New("after"), "ok");
        Assert.Equal(HttpStatusCode.NoContent, after.Status);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_circuit_breaker_opens_on_a_failing_store_then_fails_fast_and_closes_when_it_recovers()
    {
        await using (await LockTableAsync(Breaker))
        {
            // Two timed-out calls (consecutiveFailures > 1) open the breaker.
            for (var i = 0; i < 2; i++)
            {
                var failed = await GetAsync(Breaker, Keys.New("fail"));
                AssertError(failed, "ERR_STATE_GET", "timed out");
                Assert.True(failed.Took >= TimeSpan.FromSeconds(1.5), $"the call should have waited for its 2 s timeout: {failed.Took.TotalMilliseconds:0} ms");
            }

            // Open: calls fail at once, well before the store could time out, with the breaker named in the error.
            var read = await GetAsync(Breaker, Keys.New("open"));
            AssertError(read, "ERR_STATE_GET", "circuit breaker");
            Assert.True(read.Took < TimeSpan.FromSeconds(1.5), $"an open breaker should fail fast: {read.Took.TotalMilliseconds:0} ms");
            var write = await SaveAsync(Breaker, Keys.New("open"), "x");
            AssertError(write, "ERR_STATE_SAVE", "circuit breaker");
            Assert.True(write.Took < TimeSpan.FromSeconds(1.5), $"an open breaker should fail fast: {write.Took.TotalMilliseconds:0} ms");
        }

        // After its 5 s timeout the breaker lets one probe through; the store is healthy, so it closes.
        var key = Keys.New("recovered");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        (HttpStatusCode Status, string Body, TimeSpan Took) saved;
        do
        {
            await Task.Delay(500);
            saved = await SaveAsync(Breaker, key, "back");
        }
        while (saved.Status != HttpStatusCode.NoContent && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.NoContent, saved.Status);
        Assert.Equal("\"back\"", (await _state.GetExistingAsync(Breaker, key)).Body);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_store_without_a_target_gets_the_reserved_default_statestore_timeout()
    {
        await using (await LockTableAsync(Defaulted))
        {
            var read = await GetAsync(Defaulted, Keys.New("fresh"));
            AssertError(read, "ERR_STATE_GET", "timed out after 1000ms");
            Assert.True(read.Took < TimeSpan.FromSeconds(5), $"the default 1 s timeout should cut the read: {read.Took.TotalMilliseconds:0} ms");
        }
    }
}
