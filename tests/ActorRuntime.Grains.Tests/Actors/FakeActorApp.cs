using System.Collections.Concurrent;
using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.Tests.Actors;

/// <summary>
/// An app hosting actors, reached the way <c>actorrt run</c> reaches an app in its own process
/// (<see cref="InProcessActorHosts"/>): it records each call and answers at once, or when the test releases it.
/// </summary>
internal sealed class FakeActorApp : IActorHostChannel
{
    private readonly ConcurrentQueue<Received> _calls = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new(StringComparer.Ordinal);

    public sealed record Received(HttpMethod Method, string ActorId, string Path, string? Chain);

    public IReadOnlyList<Received> Calls => [.. _calls];

    public int Count(HttpMethod method, string actorId) => _calls.Count(c => c.Method == method && c.ActorId == actorId);

    /// <summary>Calls to <paramref name="path"/> wait until <see cref="Release"/>.</summary>
    public void Hold(string path) => _gates[path] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string path) => _gates[path].TrySetResult();

    /// <summary>Completes when a call to <paramref name="path"/> has reached the app.</summary>
    public Task Arrived(string path) => _arrived.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task<ActorAnswer> SendAsync(HttpMethod method, string actorType, string actorId, string path, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var chain = headers.FirstOrDefault(h => h.Key == ActorGrain.ReentrancyHeader).Value;
        _calls.Enqueue(new Received(method, actorId, path, chain));
        _arrived.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_gates.TryGetValue(path, out var gate)) await gate.Task.WaitAsync(cancellationToken);
        return new ActorAnswer(200, "\"ok\""u8.ToArray(), "application/json", []);
    }
}
