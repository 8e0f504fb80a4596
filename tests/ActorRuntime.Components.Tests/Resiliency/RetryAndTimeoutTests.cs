using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class RetryAndTimeoutTests
{
    private readonly ManualTimeProvider _time = new();

    private ResiliencyPolicy AppPolicy(string policies, string target) =>
        Registry(Resource($"policies:\n{policies}\ntargets:\n  apps:\n    b: {target}"), time: _time).ForApp("b");

    private static Func<CancellationToken, Task<int>> Failing(Counter calls) => _ =>
    {
        calls.Value++;
        throw new InvalidOperationException("boom " + calls.Value);
    };

    [Fact]
    public async Task Constant_retry_makes_maxRetries_plus_one_attempts_with_the_same_wait()
    {
        var policy = AppPolicy("  retries: {r: {policy: constant, duration: 2s, maxRetries: 3}}", "{retry: r}");
        var calls = new Counter();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _time.DriveAsync(policy.ExecuteAsync(Failing(calls), null, null, default)));

        Assert.Equal(4, calls.Value);
        Assert.Equal("boom 4", e.Message);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], _time.Scheduled);
    }

    [Fact]
    public async Task A_later_success_ends_the_retries()
    {
        var policy = AppPolicy("  retries: {r: {duration: 1s, maxRetries: 5}}", "{retry: r}");
        var calls = 0;

        var result = await _time.DriveAsync(policy.ExecuteAsync(_ => ++calls < 3 ? throw new IOException() : Task.FromResult(calls), null, null, default));

        Assert.Equal(3, result);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Max_retries_zero_makes_one_attempt()
    {
        var policy = AppPolicy("  retries: {r: {maxRetries: 0}}", "{retry: r}");
        var calls = new Counter();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _time.DriveAsync(policy.ExecuteAsync(Failing(calls), null, null, default)));

        Assert.Equal(1, calls.Value);
        Assert.Empty(_time.Scheduled);
    }

    [Fact]
    public async Task Exponential_waits_grow_with_jitter_and_stay_under_maxInterval()
    {
        var policy = AppPolicy("  retries: {r: {policy: exponential, maxInterval: 2s, maxRetries: 12}}", "{retry: r}");
        var calls = new Counter();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _time.DriveAsync(policy.ExecuteAsync(Failing(calls), null, null, default)));

        var waits = _time.Scheduled;
        Assert.Equal(12, waits.Count);
        Assert.InRange(waits[0], TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(750));
        Assert.InRange(waits[1], TimeSpan.FromMilliseconds(375), TimeSpan.FromMilliseconds(1125));
        Assert.All(waits, w => Assert.True(w <= TimeSpan.FromSeconds(2), $"{w} exceeds maxInterval"));
        // From the 5th wait on the interval has reached the 2s cap: waits are in [1s, 2s].
        Assert.All(waits.Skip(4), w => Assert.InRange(w, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Unlimited_retries_stop_when_the_caller_cancels()
    {
        var policy = AppPolicy("  retries: {r: {duration: 1s, maxRetries: -1}}", "{retry: r}");
        using var cts = new CancellationTokenSource();
        var calls = 0;

        var run = policy.ExecuteAsync<int>(_ =>
        {
            if (++calls == 50) cts.Cancel();
            throw new IOException();
        }, null, null, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _time.DriveAsync(run));
        Assert.Equal(50, calls);
    }

    [Fact]
    public async Task Cancelling_during_a_wait_ends_it_at_once()
    {
        var policy = AppPolicy("  retries: {r: {duration: 1h, maxRetries: -1}}", "{retry: r}");
        using var cts = new CancellationTokenSource();

        var run = policy.ExecuteAsync<int>(_ => throw new IOException(), null, null, cts.Token);
        Assert.False(run.IsCompleted); // waiting an hour of manual time
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_failed_result_is_retried_and_the_last_one_returned()
    {
        var policy = AppPolicy("  retries: {r: {duration: 1s, maxRetries: 2}}", "{retry: r}");
        var calls = 0;

        var status = await _time.DriveAsync(policy.ExecuteAsync(_ => Task.FromResult(500 + ++calls), s => s >= 400, null, default));

        Assert.Equal(3, calls);
        Assert.Equal(503, status);
    }

    [Fact]
    public async Task A_non_retryable_exception_is_thrown_at_once()
    {
        var policy = AppPolicy("  retries: {r: {duration: 1s, maxRetries: 5}}", "{retry: r}");
        var calls = new Counter();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _time.DriveAsync(policy.ExecuteAsync(Failing(calls), null, e => e is not InvalidOperationException, default)));

        Assert.Equal(1, calls.Value);
    }

    [Fact]
    public async Task The_timeout_applies_to_each_attempt_and_timeouts_are_retried()
    {
        var policy = AppPolicy("  timeouts: {t: 3s}\n  retries: {r: {duration: 1s, maxRetries: 2}}", "{timeout: t, retry: r}");
        var tokens = new List<CancellationToken>();

        var e = await Assert.ThrowsAsync<ResiliencyTimeoutException>(() => _time.DriveAsync(policy.ExecuteAsync(async t =>
        {
            tokens.Add(t);
            await Task.Delay(Timeout.InfiniteTimeSpan, t);
            return 1;
        }, null, null, default)));

        Assert.Equal(3, tokens.Count);
        Assert.All(tokens, t => Assert.True(t.IsCancellationRequested));
        Assert.Equal(TimeSpan.FromSeconds(3), e.Timeout);
        Assert.IsAssignableFrom<TimeoutException>(e);
        // Each attempt armed its own 3s timeout; the 1s waits came between them.
        Assert.Equal([3, 1, 3, 1, 3], _time.Scheduled.Select(s => (int)s.TotalSeconds));
    }

    [Fact]
    public async Task The_timeout_holds_even_when_the_operation_ignores_its_token()
    {
        var policy = AppPolicy("  timeouts: {t: 2s}", "{timeout: t}");
        var never = new TaskCompletionSource<int>();

        await Assert.ThrowsAsync<ResiliencyTimeoutException>(() => _time.DriveAsync(policy.ExecuteAsync(_ => never.Task, null, null, default)));
    }

    [Fact]
    public async Task An_attempt_within_its_timeout_succeeds()
    {
        var policy = AppPolicy("  timeouts: {t: 2s}", "{timeout: t}");

        Assert.Equal(7, await policy.ExecuteAsync(_ => Task.FromResult(7), null, null, default));
    }

    [Fact]
    public async Task The_timeout_uses_real_time_by_default()
    {
        var policy = Registry(Resource("policies:\n  timeouts: {t: 50ms}\ntargets:\n  apps:\n    b: {timeout: t}")).ForApp("b");

        await Assert.ThrowsAsync<ResiliencyTimeoutException>(() =>
            policy.ExecuteAsync(async t => { await Task.Delay(TimeSpan.FromSeconds(30), t); return 1; }, null, null, default));
    }

    internal sealed class Counter
    {
        public int Value;
    }
}
