namespace ActorRuntime.Components.Resiliency;

/// <summary>The three states of a breaker.</summary>
public enum CircuitState
{
    /// <summary>Calls go through; failures are counted against the trip expression.</summary>
    Closed,

    /// <summary>Calls are rejected until the open timeout passes.</summary>
    Open,

    /// <summary>Up to maxRequests probe calls go through; a success closes the breaker, a failure opens it again.</summary>
    HalfOpen,
}

/// <summary>
/// The live state of one breaker for one target (an app, a component direction, an actor type or id).
/// Every state change starts a new "generation" with fresh counts; outcomes of calls admitted in an older
/// generation are ignored, so a slow call that started before the breaker opened cannot close it.
/// A single lock guards the state: the critical sections are a few field updates, cheaper than lock-free retries.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly CircuitBreakerDefinition _definition;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CircuitState _state = CircuitState.Closed;
    private CircuitBreakerCounts _counts;
    private long _generation;
    private long _expiry; // timestamp when the current state times out; 0 = never

    public CircuitBreaker(CircuitBreakerDefinition definition, TimeProvider time)
    {
        _definition = definition;
        _time = time;
        StartGeneration(_time.GetTimestamp());
    }

    public CircuitBreakerDefinition Definition => _definition;

    /// <summary>The state now (an open breaker whose timeout passed reports half-open).</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate) return CurrentState(_time.GetTimestamp());
        }
    }

    /// <summary>The counts of the current generation.</summary>
    public CircuitBreakerCounts Counts
    {
        get
        {
            lock (_gate)
            {
                CurrentState(_time.GetTimestamp());
                return _counts;
            }
        }
    }

    /// <summary>Admits a call, or returns false when open or when the half-open probe slots are taken.</summary>
    /// <param name="generation">Pass back to <see cref="OnSuccess"/>, <see cref="OnFailure"/> or <see cref="OnIgnored"/>.</param>
    public bool TryEnter(out long generation)
    {
        lock (_gate)
        {
            generation = _generation;
            var state = CurrentState(_time.GetTimestamp());
            if (state == CircuitState.Open) return false;
            var maxRequests = Math.Max(1, _definition.MaxRequests);
            if (state == CircuitState.HalfOpen && _counts.Requests >= maxRequests) return false;
            _counts = _counts.WithRequest();
            generation = _generation;
            return true;
        }
    }

    /// <summary>The admitted call succeeded.</summary>
    public void OnSuccess(long generation)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var state = CurrentState(now);
            if (generation != _generation) return;
            _counts = _counts.WithSuccess();
            if (state == CircuitState.HalfOpen && _counts.ConsecutiveSuccesses >= Math.Max(1, _definition.MaxRequests))
                SetState(CircuitState.Closed, now);
        }
    }

    /// <summary>The admitted call failed.</summary>
    public void OnFailure(long generation)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var state = CurrentState(now);
            if (generation != _generation) return;
            _counts = _counts.WithFailure();
            if (state == CircuitState.HalfOpen || _definition.Trip.Evaluate(_counts))
                SetState(CircuitState.Open, now);
        }
    }

    /// <summary>
    /// The admitted call ended without saying anything about the target (the caller cancelled it): give back its
    /// request so a half-open breaker can still send a probe.
    /// </summary>
    public void OnIgnored(long generation)
    {
        lock (_gate)
        {
            CurrentState(_time.GetTimestamp());
            if (generation == _generation) _counts = _counts.WithoutRequest();
        }
    }

    private CircuitState CurrentState(long now)
    {
        if (_expiry != 0 && now >= _expiry)
        {
            if (_state == CircuitState.Closed) StartGeneration(now);
            else if (_state == CircuitState.Open) SetState(CircuitState.HalfOpen, now);
        }
        return _state;
    }

    private void SetState(CircuitState state, long now)
    {
        if (_state == state) return;
        _state = state;
        StartGeneration(now);
    }

    private void StartGeneration(long now)
    {
        _generation++;
        _counts = default;
        var length = _state switch
        {
            CircuitState.Closed => _definition.Interval,
            CircuitState.Open => _definition.Timeout,
            _ => TimeSpan.Zero,
        };
        _expiry = length <= TimeSpan.Zero ? 0 : now + (long)(length.TotalSeconds * _time.TimestampFrequency);
    }
}
