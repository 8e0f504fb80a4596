using System.Text;
using System.Text.Json;
using ActorRuntime.Grains.Directory;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace ActorRuntime.Grains.Actors;

/// <summary>
/// A Dapr actor as an Orleans grain. Orleans gives the single activation in the cluster; the turn lock gives Dapr's
/// turn-based concurrency and reentrancy (so the grain itself is reentrant, and callbacks out to the app never block
/// Orleans). The actor is pinned to one live instance of an app hosting its type, chosen on first use and changed only
/// when that instance can no longer be reached. The app is told to deactivate the actor when the grain deactivates.
/// </summary>
[Reentrant]
[GrainType("dapractor")]
public sealed partial class ActorGrain(ActorAppClient app, TimeProvider time, ILogger<ActorGrain> logger) : Grain, IActorGrain
{
    public const string ReentrancyHeader = "Dapr-Reentrancy-Id";
    private const string ReminderCancelHeader = "X-DaprReminderCancel";
    private static readonly IReadOnlyList<KeyValuePair<string, string>> CallbackHeaders = [new(ActorHttpMessages.CallbackHeader, "1")];
    private static readonly TimeSpan CallbackTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HostWaitPause = TimeSpan.FromMilliseconds(500);
    private const int HostWaitRounds = 10;
    private static readonly TimeSpan MinimumFirstFire = TimeSpan.FromSeconds(1);

    private readonly ActorTurnLock _lock = new();
    private readonly Dictionary<string, IGrainTimer> _timers = new(StringComparer.Ordinal);
    private string _type = "", _id = "";
    private AppInstance? _host;
    private ActorTypeConfig _config = ActorTypeConfig.Default;
    private DateTimeOffset _lastUsed;
    private IGrainTimer? _idleScan;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_type, _id) = ActorGrainKeys.Parse(this.GetPrimaryKeyString());
        _lastUsed = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public async Task<ActorAnswer> Invoke(ActorCall call)
    {
        var chain = call.Headers.FirstOrDefault(h => h.Key.Equals(ReentrancyHeader, StringComparison.OrdinalIgnoreCase)).Value;
        if (await EnsureHostAsync() is { } missing) return missing;
        if (_config.Reentrant) chain ??= Guid.NewGuid().ToString();
        else chain = null;
        using var turn = await _lock.EnterAsync(chain, _config.MaxStackDepth);
        if (turn is null)
            return Failed("ERR_ACTOR_STACK_DEPTH", $"maximum stack depth exceeded: actor {_type}/{_id}, depth {_config.MaxStackDepth}", 500);
        Touch();
        var headers = chain is null ? call.Headers : [.. call.Headers.Where(h => !h.Key.Equals(ReentrancyHeader, StringComparison.OrdinalIgnoreCase)), new(ReentrancyHeader, chain)];
        return await SendAsync(HttpMethod.Put, "/method/" + EscapePath(call.Method), call.Body, call.ContentType, headers);
    }

    public async Task RegisterTimer(ActorScheduleRequest timer)
    {
        if (await EnsureHostAsync() is { } missing) throw new InvalidOperationException(missing.Failure!.Message);
        UnregisterTimerCore(timer.Name);
        var fired = 0;
        _timers[timer.Name] = this.RegisterGrainTimer(async ct =>
        {
            if (timer.ExpiresAt is { } expires && time.GetUtcNow() > expires) { UnregisterTimerCore(timer.Name); return; }
            fired++;
            var limit = timer.Interval is null ? 1 : timer.Repetitions;
            if (limit is { } max && fired >= max) UnregisterTimerCore(timer.Name);
            var body = CallbackBody(timer, includeCallback: true);
            var answer = await FireAsync("/method/timer/" + EscapePath(timer.Name), body);
            Components.Observability.ActorMetrics.TimerFired(_host?.AppId ?? "", _type, answer.Failure is null && answer.Status is >= 200 and <= 299);
            if (answer.Headers.Any(h => h.Key.Equals(ReminderCancelHeader, StringComparison.OrdinalIgnoreCase) && h.Value == "true")) UnregisterTimerCore(timer.Name);
        }, new GrainTimerCreationOptions
        {
            DueTime = timer.FirstFireIn,
            Period = timer.Interval ?? Timeout.InfiniteTimeSpan,
            Interleave = true,
            KeepAlive = false,
        });
        Touch();
    }

    public Task UnregisterTimer(string name)
    {
        UnregisterTimerCore(name);
        return Task.CompletedTask;
    }

    public async Task RegisterReminder(ActorScheduleRequest reminder)
    {
        await GrainFactory.GetGrain<IActorRemindersGrain>(this.GetPrimaryKeyString()).Set(reminder);
        // Orleans needs a period; a one-shot reminder gets a long one and is removed after its fire.
        var period = reminder.Interval is { } p && p > TimeSpan.Zero ? p : TimeSpan.FromHours(1);
        // Orleans schedules the next tick after "now" once the registration reaches its reminder service; a due time
        // that has already passed by then (dueTime 0s) would be skipped for a whole period, or for good when that
        // period lies beyond the reminder loading window. A short floor keeps the first fire.
        var due = reminder.FirstFireIn < MinimumFirstFire ? MinimumFirstFire : reminder.FirstFireIn;
        await this.RegisterOrUpdateReminder(reminder.Name, due, period < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : period);
    }

    public Task<ActorScheduleRequest?> GetReminder(string name) =>
        GrainFactory.GetGrain<IActorRemindersGrain>(this.GetPrimaryKeyString()).Get(name);

    public async Task UnregisterReminder(string name)
    {
        await GrainFactory.GetGrain<IActorRemindersGrain>(this.GetPrimaryKeyString()).Remove(name);
        if (await GrainReminderExtensions.GetReminder(this, name) is { } handle) await this.UnregisterReminder(handle);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var reminder = await GrainFactory.GetGrain<IActorRemindersGrain>(this.GetPrimaryKeyString()).TakeFire(reminderName, time.GetUtcNow());
        if (reminder is null || reminder.Interval is null)
        {
            if (await GrainReminderExtensions.GetReminder(this, reminderName) is { } handle) await this.UnregisterReminder(handle);
            if (reminder is null) return;
        }
        if (await EnsureHostAsync() is not null)
        {
            LogReminderNoHost(_type, _id, reminderName);
            return; // no app hosts the type right now: this fire is lost, like a failed callback in Dapr
        }
        var answer = await FireAsync("/method/remind/" + EscapePath(reminderName), CallbackBody(reminder, includeCallback: false));
        Components.Observability.ActorMetrics.ReminderFired(_host?.AppId ?? "", _type, answer.Failure is null && answer.Status is >= 200 and <= 299);
        if (answer.Headers.Any(h => h.Key.Equals(ReminderCancelHeader, StringComparison.OrdinalIgnoreCase) && h.Value == "true"))
            await UnregisterReminder(reminderName);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A silo shutting down goes with its gateways and apps: telling each app about each actor would only fail.
        if (_host is null || reason.ReasonCode == DeactivationReasonCode.ShuttingDown) return;
        try
        {
            await app.SendAsync(_host, HttpMethod.Delete, _type, _id, "", null, null, [], cancellationToken);
            LogDeactivated(_type, _id, reason.Description);
            Components.Observability.ActorMetrics.ActorDeactivated(_host.AppId, _type);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogDeactivateFailed(_type, _id, ex.Message);
        }
    }

    /// <summary>A timer or reminder callback: a turn of its own, never reentrant.</summary>
    private async Task<ActorAnswer> FireAsync(string path, byte[] body)
    {
        using var turn = await _lock.EnterAsync(null, int.MaxValue);
        Touch();
        var answer = await SendAsync(HttpMethod.Put, path, body, "application/json", CallbackHeaders);
        if (answer.Failure is not null || answer.Status is < 200 or > 299) LogCallbackFailed(_type, _id, path, answer.Failure?.Message ?? answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return answer;
    }

    private async Task<ActorAnswer> SendAsync(HttpMethod method, string path, byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var tried = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var host = _host!;
            try
            {
                using var cts = new CancellationTokenSource(CallbackTimeout, time); // the grain's clock, so a manual one can drive it
                var answer = await app.SendAsync(host, method, _type, _id, path, body, contentType, headers, cts.Token);
                // The host's gateway says its app is gone or not serving: the call never reached it.
                if (answer.Status == 503 && answer.Headers.Any(h => h.Key.Equals(ActorHttpMessages.GatewayErrorHeader, StringComparison.OrdinalIgnoreCase)))
                    throw new HttpRequestException(HttpRequestError.ConnectionError, "the hosting app is not serving");
                return answer;
            }
            catch (Exception ex) when (Components.Http.RuntimeHttp.IsConnectFailure(ex))
            {
                tried.Add(host.InstanceId);
                LogHostLost(_type, _id, host.Address, ex.Message);
                _host = null;
                if (await EnsureHostAsync(tried) is { } missing) return missing;
            }
        }
    }

    /// <summary>Picks the app instance for this actor, if none yet: spread by actor id over the live hosts of its type.</summary>
    private async Task<ActorAnswer?> EnsureHostAsync(ISet<string>? exclude = null)
    {
        if (_host is not null) return null;
        var directory = GrainFactory.GetGrain<IAppDirectoryGrain>(AppDirectoryKeys.ForActorType(_type));
        var candidates = Array.Empty<AppInstance>();
        // A host may be (re)registering right now, after a restart or a failover: give it a few seconds.
        for (var wait = 0; wait < HostWaitRounds; wait++)
        {
            candidates = [.. (await directory.GetLive()).Where(i => exclude?.Contains(i.InstanceId) != true)];
            if (candidates.Length > 0) break;
            await Task.Delay(HostWaitPause, time);
        }
        if (candidates.Length == 0)
        {
            DeactivateOnIdle();
            return Failed("ERR_ACTOR_INVOKE_METHOD", $"failed to invoke actor {_type}/{_id}: did not find address for actor (no app hosting type {_type} is connected)", 500);
        }
        _host = candidates[(int)((uint)StableHash(_id) % (uint)candidates.Length)];
        _config = _host.ActorConfig?.GetValueOrDefault(_type) ?? ActorTypeConfig.Default;
        StartIdleScan();
        return null;
    }

    private void StartIdleScan()
    {
        _idleScan?.Dispose();
        var scan = _config.ScanInterval <= TimeSpan.Zero ? TimeSpan.FromSeconds(30) : _config.ScanInterval;
        _idleScan = this.RegisterGrainTimer(() =>
        {
            if (!_lock.IsHeld && time.GetUtcNow() - _lastUsed >= _config.IdleTimeout) DeactivateOnIdle();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = scan, Period = scan, Interleave = true, KeepAlive = true });
    }

    /// <summary>Calls, timer and reminder fires all count as use (Dapr resets the idle clock on each).</summary>
    private void Touch() => _lastUsed = time.GetUtcNow();

    private void UnregisterTimerCore(string name)
    {
        if (_timers.Remove(name, out var t)) t.Dispose();
    }

    private static byte[] CallbackBody(ActorScheduleRequest r, bool includeCallback)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("data");
            if (string.IsNullOrEmpty(r.DataJson)) json.WriteNullValue(); else json.WriteRawValue(r.DataJson);
            if (includeCallback) json.WriteString("callback", r.Callback ?? "");
            // Durations as daprd writes them (0h0m1s0ms), which every SDK parses; ISO periods (R5/PT1S) stay as given.
            json.WriteString("dueTime", GoDuration(r.FirstFireIn));
            json.WriteString("period", r.Interval is not { } interval ? "" : r.Period is { Length: > 0 } p && p[0] is 'R' or 'P' ? p : GoDuration(interval));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string GoDuration(TimeSpan t) =>
        FormattableString.Invariant($"{(long)t.TotalHours}h{t.Minutes}m{t.Seconds}s{t.Milliseconds}ms");

    private static ActorAnswer Failed(string code, string message, int status) => new(status, [], null, [], new ActorFailure(code, message, status));

    private static string EscapePath(string method) => string.Join('/', method.Split('/').Select(Uri.EscapeDataString));

    private static int StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 16777619u;
        return (int)h;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Actor {Type}/{Id} deactivated ({Reason})")]
    private partial void LogDeactivated(string type, string id, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not tell the app that actor {Type}/{Id} deactivated: {Error}")]
    private partial void LogDeactivateFailed(string type, string id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host of actor {Type}/{Id} at {Address} is unreachable, moving the actor: {Error}")]
    private partial void LogHostLost(string type, string id, string address, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Name} of actor {Type}/{Id} fired while no app hosts the type; skipped")]
    private partial void LogReminderNoHost(string type, string id, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {Path} of actor {Type}/{Id} failed: {Error}")]
    private partial void LogCallbackFailed(string type, string id, string path, string error);
}
