using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapr.Actors.Runtime;

namespace ActorTestApps;

/// <summary>
/// Reminders and timers. Registration with arbitrary period strings (Go durations, ISO 8601, <c>R3/PT1S</c>, RFC3339
/// due times) goes straight to the runtime's HTTP API, since the SDK only takes TimeSpans; the SDK path is there too.
/// Every fire is appended to actor state ("fires") and printed as <c>REMINDER|TIMER &lt;id&gt; &lt;name&gt; &lt;utc&gt;</c>.
/// </summary>
[Actor(TypeName = ActorTypes.Reminder)]
public sealed class ReminderActor(ActorHost host) : TracedActor(host), IReminderActor, IRemindable
{
    public const string FiresKey = "fires";
    public const string TimerCallback = nameof(OnTimer);

    private static readonly HttpClient Runtime = new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{Environment.GetEnvironmentVariable("DAPR_HTTP_PORT") ?? "3500"}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task RegisterReminder(ReminderSpec spec)
    {
        var body = new JsonObject();
        if (spec.DueTime is not null) body["dueTime"] = spec.DueTime;
        if (spec.Period is not null) body["period"] = spec.Period;
        if (spec.Ttl is not null) body["ttl"] = spec.Ttl;
        await PutAsync($"reminders/{Uri.EscapeDataString(spec.Name)}", body);
    }

    public Task RegisterReminderViaSdk(ReminderSpec spec) =>
        RegisterReminderAsync(spec.Name, Encoding.UTF8.GetBytes(spec.Name),
            TimeSpan.Parse(spec.DueTime ?? "00:00:00", System.Globalization.CultureInfo.InvariantCulture),
            spec.Period is null ? Timeout.InfiniteTimeSpan : TimeSpan.Parse(spec.Period, System.Globalization.CultureInfo.InvariantCulture));

    public Task UnregisterReminder(string name) => UnregisterReminderAsync(name);

    public async Task RegisterTimer(TimerSpec spec)
    {
        var data = Encoding.UTF8.GetBytes(spec.Name);
        if (spec.ViaSdk)
        {
            var due = TimeSpan.Parse(spec.DueTime ?? "00:00:00", System.Globalization.CultureInfo.InvariantCulture);
            var period = spec.Period is null ? Timeout.InfiniteTimeSpan : TimeSpan.Parse(spec.Period, System.Globalization.CultureInfo.InvariantCulture);
            await RegisterTimerAsync(spec.Name, TimerCallback, data, due, period);
            return;
        }
        // The body the SDK itself sends: callback is echoed back by the runtime on every fire, data is base64.
        var body = new JsonObject { ["callback"] = TimerCallback, ["data"] = Convert.ToBase64String(data) };
        if (spec.DueTime is not null) body["dueTime"] = spec.DueTime;
        if (spec.Period is not null) body["period"] = spec.Period;
        if (spec.Ttl is not null) body["ttl"] = spec.Ttl;
        await PutAsync($"timers/{Uri.EscapeDataString(spec.Name)}", body);
    }

    public Task UnregisterTimer(string name) => UnregisterTimerAsync(name);

    public async Task<FireRecord[]> GetFires() =>
        [.. await StateManager.GetOrDefaultAsync<List<FireRecord>>(FiresKey) ?? []];

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period) =>
        RecordAsync("reminder", "REMINDER", reminderName);

    /// <summary>The timer callback (public: the SDK finds it by name from the timer's <c>callback</c> field).</summary>
    public Task OnTimer(byte[] data) =>
        RecordAsync("timer", "TIMER", data is { Length: > 0 } ? Encoding.UTF8.GetString(data) : "?");

    private async Task RecordAsync(string kind, string tag, string name)
    {
        var now = DateTime.UtcNow;
        HostInfo.Print($"{tag} {Id} {name} {now.ToString("O", System.Globalization.CultureInfo.InvariantCulture)}");
        var fires = await StateManager.GetOrDefaultAsync<List<FireRecord>>(FiresKey) ?? [];
        fires.Add(new FireRecord { Kind = kind, Name = name, Utc = now });
        await StateManager.SetStateAsync(FiresKey, fires);
        // The SDK saves state after the callback returns.
    }

    private async Task PutAsync(string relative, JsonObject body)
    {
        var url = $"/v1.0/actors/{Uri.EscapeDataString(Host.ActorTypeInfo.ActorTypeName)}/{Uri.EscapeDataString(Id.GetId())}/{relative}";
        using var response = await Runtime.PutAsJsonAsync(url, body);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"PUT {url} {body.ToJsonString()} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
