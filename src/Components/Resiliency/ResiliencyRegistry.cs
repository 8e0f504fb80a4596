using System.Collections.Concurrent;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Observability;

namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The resiliency policies of one app, built once at startup from its <c>kind: Resiliency</c> resources and asked
/// for the policy of each call's target. Keeps the circuit breaker state of every target so all calls to the same
/// app, actor or component share one breaker, as daprd does.
/// </summary>
/// <remarks>
/// Hot path: a target without a breaker gets a shared, stateless policy (no lookup beyond one dictionary read); a
/// target with one gets its cached policy. Caches keyed by request data (app ids, actor ids) are LRU-bounded:
/// actors by the target's <c>circuitBreakerCacheSize</c>, apps by <see cref="AppCacheSize"/>.
/// </remarks>
public sealed class ResiliencyRegistry
{
    /// <summary>How many target apps keep their breaker state.</summary>
    public const int AppCacheSize = 10_000;

    private readonly TimeProvider _time;
    private readonly Dictionary<string, ResolvedPolicies> _apps = new(StringComparer.Ordinal);
    private readonly ResolvedPolicies _appDefault;
    private readonly ConcurrentDictionary<string, ResiliencyPolicy> _statelessApps = new(StringComparer.Ordinal);
    private readonly BoundedCache<string, ResiliencyPolicy> _appBreakers = new(AppCacheSize, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActorTypePolicies> _actors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, string Kind, ResiliencyDirection Direction), ResiliencyPolicy> _components = new();
    private readonly ConcurrentDictionary<string, ResiliencyPolicy> _builtIns = new(StringComparer.Ordinal);

    private readonly string _appId;
    private readonly string _name;
    private readonly string _namespace = Environment.GetEnvironmentVariable("NAMESPACE") ?? "";

    private ResiliencyRegistry(ResiliencyConfiguration configuration, TimeProvider time, string appId = "", string name = "")
    {
        Configuration = configuration;
        _time = time;
        _appId = appId;
        _name = name;
        if (appId.Length > 0)
            foreach (var n in name.Split(',', StringSplitOptions.RemoveEmptyEntries)) ResiliencyMetrics.PolicyLoaded(appId, n, _namespace);
        foreach (var (app, refs) in configuration.Apps)
            _apps[app] = configuration.Resolve($"app '{app}'", refs, DefaultPolicyNames.ForApp);
        _appDefault = configuration.Resolve("app", null, DefaultPolicyNames.ForApp);
    }

    /// <summary>No policies: every target gets <see cref="ResiliencyPolicy.NoOp"/>.</summary>
    public static ResiliencyRegistry Empty { get; } = new(ResiliencyConfiguration.Empty, TimeProvider.System);

    /// <summary>The merged, validated resources this registry was built from.</summary>
    public ResiliencyConfiguration Configuration { get; }

    /// <summary>
    /// Builds the registry of <paramref name="appId"/> from loaded resource documents; documents of other kinds are
    /// ignored. Every Resiliency document is checked, even one scoped to other apps, so a broken file fails every app
    /// the same way; only documents whose <c>scopes</c> are empty or list <paramref name="appId"/> are applied.
    /// </summary>
    /// <exception cref="Model.ComponentConfigurationException">A Resiliency document has a mistake.</exception>
    public static ResiliencyRegistry Load(IEnumerable<ResourceDocument> documents, string appId) =>
        Load(documents, appId, TimeProvider.System);

    /// <summary>Like <see cref="Load(IEnumerable{ResourceDocument}, string)"/> with the clock used for retry waits,
    /// timeouts and breaker timing (tests pass a controllable one).</summary>
    public static ResiliencyRegistry Load(IEnumerable<ResourceDocument> documents, string appId, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var parsed = documents.Where(ResiliencyDocumentParser.IsResiliency).Select(ResiliencyDocumentParser.Parse).ToList();
        var applied = parsed.Where(d => d.AppliesTo(appId)).ToList();
        var configuration = ResiliencyConfiguration.Merge(applied);
        return configuration.IsEmpty && timeProvider == TimeProvider.System
            ? Empty
            : new ResiliencyRegistry(configuration, timeProvider, appId, string.Join(',', applied.Select(d => d.Name)));
    }

    /// <summary>The policy for service invocation of <paramref name="targetAppId"/>.</summary>
    public ResiliencyPolicy ForApp(string targetAppId)
    {
        ArgumentNullException.ThrowIfNull(targetAppId);
        if (Configuration.IsEmpty) return ResiliencyPolicy.NoOp;
        var named = _apps.TryGetValue(targetAppId, out var policies);
        if (!named) policies = _appDefault;
        if (policies!.IsEmpty) return ResiliencyPolicy.NoOp;
        if (policies.CircuitBreaker is null)
        {
            // Stateless: one shared object per named target, one for every app that only gets defaults.
            var key = named ? targetAppId : "";
            return _statelessApps.TryGetValue(key, out var shared)
                ? shared
                : _statelessApps.GetOrAdd(key, new ResiliencyPolicy(policies, null, null, _time) { Labels = Labels(named ? "app_" + targetAppId : "app") });
        }
        return _appBreakers.GetOrAdd(targetAppId, static (id, s) =>
        {
            var p = s.policies with { Target = $"app '{id}'" };
            return new ResiliencyPolicy(p, new CircuitBreaker(p.CircuitBreaker!, s.self._time), null, s.self._time) { Labels = s.self.Labels("app_" + id) };
        }, (self: this, policies));
    }

    /// <summary>The policy for calls to one actor; breaker state is per id, per type or both, as the target says.</summary>
    public ResiliencyPolicy ForActor(string actorType, string actorId)
    {
        ArgumentNullException.ThrowIfNull(actorType);
        ArgumentNullException.ThrowIfNull(actorId);
        if (Configuration.IsEmpty) return ResiliencyPolicy.NoOp;
        if (!_actors.TryGetValue(actorType, out var type))
            type = _actors.GetOrAdd(actorType, static (t, self) => new ActorTypePolicies(self, t), this);
        return type.For(actorId);
    }

    /// <summary>The policy for one direction of calls to a component.</summary>
    /// <param name="componentName">The component's <c>metadata.name</c>.</param>
    /// <param name="componentKind">Its category (<c>state</c>, <c>pubsub</c>, <c>bindings</c>, <c>secretstores</c>,
    /// <c>configuration</c>, <c>lock</c>, ...) or full type (<c>state.redis</c>); selects the type-specific defaults.</param>
    public ResiliencyPolicy ForComponent(string componentName, string componentKind, ResiliencyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(componentName);
        ArgumentNullException.ThrowIfNull(componentKind);
        if (Configuration.IsEmpty) return ResiliencyPolicy.NoOp;
        var key = (componentName, componentKind, direction);
        return _components.TryGetValue(key, out var policy) ? policy : _components.GetOrAdd(key, static (k, self) =>
        {
            var named = self.Configuration.Components.GetValueOrDefault(k.Name)?.For(k.Direction);
            var resolved = self.Configuration.Resolve(
                $"component '{k.Name}' ({k.Direction.ToString().ToLowerInvariant()})", named,
                kind => DefaultPolicyNames.ForComponent(kind, k.Kind, k.Direction));
            if (resolved.IsEmpty) return ResiliencyPolicy.NoOp;
            var breaker = resolved.CircuitBreaker is null ? null : new CircuitBreaker(resolved.CircuitBreaker, self._time);
            return new ResiliencyPolicy(resolved, breaker, null, self._time) { Labels = self.Labels(k.Kind.Split('.')[0] + "_" + k.Name, k.Direction) };
        }, this);
    }

    /// <summary>
    /// A Dapr built-in retry (<see cref="BuiltInRetries"/>), overridden by a retry policy of the same name if the
    /// resources define one. Retry only: no timeout, no breaker. Applies even when no Resiliency resource exists.
    /// </summary>
    public ResiliencyPolicy ForBuiltIn(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _builtIns.GetOrAdd(name, static (n, self) => BuiltInRetries.Resolve(n, self.Configuration.Retries) is { } retry
            ? new ResiliencyPolicy(new ResolvedPolicies($"built-in '{n}'", null, retry, null), null, null, self._time) { Labels = self.Labels(n) }
            : ResiliencyPolicy.NoOp, this);
    }

    /// <summary>
    /// Dapr's actor post-lock policy: only the timeout of the actor type's policy, applied where the hosting runtime
    /// hands a call to its app (after the turn lock). Stateless, one per type, so it keeps no per-id breaker state.
    /// </summary>
    public ResiliencyPolicy ForActorPostLock(string actorType)
    {
        ArgumentNullException.ThrowIfNull(actorType);
        if (Configuration.IsEmpty) return ResiliencyPolicy.NoOp;
        if (!_actors.TryGetValue(actorType, out var type))
            type = _actors.GetOrAdd(actorType, static (t, self) => new ActorTypePolicies(self, t), this);
        return type.PostLock;
    }

    /// <summary>Dapr's labels for a policy of this app: <paramref name="target"/> in Dapr's form (<c>app_b</c>, <c>actor_T</c>, <c>pubsub_x</c>).</summary>
    private ResiliencyMetricLabels Labels(string target, ResiliencyDirection direction = ResiliencyDirection.Outbound) =>
        new(_appId, _name, _namespace, direction == ResiliencyDirection.Inbound ? "inbound" : "outbound", target);

    /// <summary>The resolved policies and breaker state of one actor type.</summary>
    private sealed class ActorTypePolicies
    {
        private readonly ResiliencyRegistry _registry;
        private readonly string _actorType;
        private readonly ResolvedPolicies _policies;
        private readonly ActorCircuitBreakerScope _scope;
        private readonly ResiliencyPolicy? _shared; // no breaker, or scope 'type': one policy for all ids
        private readonly CircuitBreaker? _typeBreaker;
        private readonly BoundedCache<string, ResiliencyPolicy>? _ids;

        /// <summary>The timeout alone (or the no-op policy).</summary>
        public ResiliencyPolicy PostLock { get; }

        public ActorTypePolicies(ResiliencyRegistry registry, string actorType)
        {
            _registry = registry;
            _actorType = actorType;
            var target = registry.Configuration.Actors.GetValueOrDefault(actorType);
            _policies = registry.Configuration.Resolve($"actor type '{actorType}'", target?.Policies, DefaultPolicyNames.ForActor);
            // A type without a target of its own gets the default breaker for the whole type, as in daprd.
            _scope = target?.Scope ?? ActorCircuitBreakerScope.Type;
            PostLock = _policies.Timeout is null ? ResiliencyPolicy.NoOp
                : new ResiliencyPolicy(new ResolvedPolicies(_policies.Target, _policies.Timeout, null, null), null, null, registry._time) { Labels = registry.Labels("actor_" + actorType) };
            if (_policies.IsEmpty)
            {
                _shared = ResiliencyPolicy.NoOp;
                return;
            }
            if (_policies.CircuitBreaker is null)
            {
                _shared = new ResiliencyPolicy(_policies, null, null, registry._time) { Labels = registry.Labels("actor_" + actorType) };
                return;
            }
            if (_scope != ActorCircuitBreakerScope.Id) _typeBreaker = new CircuitBreaker(_policies.CircuitBreaker, registry._time);
            if (_scope == ActorCircuitBreakerScope.Type) _shared = new ResiliencyPolicy(_policies, null, _typeBreaker, registry._time) { Labels = registry.Labels("actor_" + actorType) };
            else _ids = new BoundedCache<string, ResiliencyPolicy>(target?.CacheSize ?? ActorTarget.DefaultCacheSize, StringComparer.Ordinal);
        }

        public ResiliencyPolicy For(string actorId) => _shared ?? _ids!.GetOrAdd(actorId, static (id, self) =>
        {
            var p = self._policies with { Target = $"actor '{self._actorType}/{id}'" };
            var time = self._registry._time;
            return new ResiliencyPolicy(p, new CircuitBreaker(p.CircuitBreaker!, time), self._typeBreaker, time) { Labels = self._registry.Labels("actor_" + self._actorType) };
        }, this);
    }
}
