using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.NativeActors;

/// <summary>The callable methods of one <see cref="JsonActorGrain"/> class, found once by reflection and cached.</summary>
internal sealed class JsonActorDispatcher
{
    public const string ErrorCode = "ERR_ACTOR_INVOKE_METHOD";
    private static readonly ConcurrentDictionary<Type, JsonActorDispatcher> Cache = new();
    private static readonly MethodInfo AwaitTaskOfT = typeof(JsonActorDispatcher).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskOfT = typeof(JsonActorDispatcher).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Dictionary<string, ActorMethod[]> _methods;

    private JsonActorDispatcher(Type grainClass)
    {
        ActorType = grainClass.GetCustomAttribute<DaprActorAttribute>(inherit: false)?.ActorType;
        var excluded = ExcludedMethods(grainClass);
        _methods = grainClass.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && !excluded.Contains(m)
                && IsActorClass(m.GetBaseDefinition().DeclaringType!)
                && m.GetParameters().All(p => !p.ParameterType.IsByRef && !p.IsOut))
            .Select(m => new ActorMethod(m))
            .GroupBy(m => m.Method.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    public string? ActorType { get; }

    public IEnumerable<string> MethodNames => _methods.Keys;

    public static JsonActorDispatcher For(Type grainClass) => Cache.GetOrAdd(grainClass, static t => new JsonActorDispatcher(t));

    public async Task<ActorAnswer> InvokeAsync(object grain, string actorType, string method, byte[] body, JsonSerializerOptions options)
    {
        if (!_methods.TryGetValue(method, out var candidates))
            return Failed($"method {method} not found on actor type {actorType}", 500);
        object?[] args;
        ActorMethod target;
        try
        {
            target = Choose(candidates, body);
            args = target.ReadArguments(body, options);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            return Failed($"invalid arguments for method {method} of actor type {actorType}: {ex.Message}", 400);
        }
        try
        {
            var (hasResult, result) = await target.CallAsync(grain, args);
            return hasResult
                ? new ActorAnswer(200, JsonSerializer.SerializeToUtf8Bytes(result, target.ResultType!, options), "application/json", [])
                : new ActorAnswer(200, [], null, []);
        }
        catch (Exception ex)
        {
            return Failed(ex.Message, 500);
        }
    }

    private static ActorAnswer Failed(string message, int status) => new(status, [], null, [], new ActorFailure(ErrorCode, message, status));

    /// <summary>Among overloads: the one whose argument count fits the body (empty: none; array of n: n; else one).</summary>
    private static ActorMethod Choose(ActorMethod[] candidates, byte[] body)
    {
        if (candidates.Length == 1) return candidates[0];
        var count = ArgumentCount(body);
        return candidates.FirstOrDefault(c => c.Arity == count)
            ?? candidates.FirstOrDefault(c => c.Arity == 1 && count > 1)
            ?? candidates.FirstOrDefault(c => c.MinArity <= count && count <= c.Arity)
            ?? throw new ArgumentException($"no overload of {candidates[0].Method.Name} takes {count} argument(s)");
    }

    private static int ArgumentCount(byte[] body)
    {
        if (IsEmpty(body)) return 0;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.GetArrayLength() : 1;
    }

    internal static bool IsEmpty(byte[] body) => body.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n');

    private static bool IsActorClass(Type declaring) =>
        declaring != typeof(object) && !declaring.IsAssignableFrom(typeof(JsonActorGrain));

    /// <summary>Methods that implement infrastructure interfaces (Orleans' lifecycle and reminders, IDisposable...).</summary>
    private static HashSet<MethodInfo> ExcludedMethods(Type grainClass)
    {
        var excluded = new HashSet<MethodInfo>();
        foreach (var iface in grainClass.GetInterfaces())
        {
            var ns = iface.Namespace ?? "";
            var infrastructure = iface == typeof(IJsonActorGrain) || ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal)
                || ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal);
            if (!infrastructure || iface.IsGenericTypeDefinition) continue;
            foreach (var m in grainClass.GetInterfaceMap(iface).TargetMethods) excluded.Add(m);
        }
        return excluded;
    }

    private static async Task<object?> AwaitTask<T>(object task) => await (Task<T>)task;

    private static async Task<object?> AwaitValueTask<T>(object task) => await (ValueTask<T>)task;

    private sealed class ActorMethod
    {
        private readonly ParameterInfo[] _parameters;
        private readonly ParameterInfo[] _jsonParameters;
        private readonly Func<object, Task<object?>>? _await;
        private readonly ReturnKind _kind;

        public ActorMethod(MethodInfo method)
        {
            Method = method;
            _parameters = method.GetParameters();
            _jsonParameters = _parameters.Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
            Arity = _jsonParameters.Length;
            MinArity = _jsonParameters.Count(p => !p.HasDefaultValue);
            var r = method.ReturnType;
            if (r == typeof(void)) _kind = ReturnKind.None;
            else if (r == typeof(Task)) _kind = ReturnKind.Task;
            else if (r == typeof(ValueTask)) _kind = ReturnKind.ValueTask;
            else if (r.IsGenericType && r.GetGenericTypeDefinition() == typeof(Task<>))
            {
                _kind = ReturnKind.TaskOfT;
                ResultType = r.GetGenericArguments()[0];
                _await = AwaitTaskOfT.MakeGenericMethod(ResultType).CreateDelegate<Func<object, Task<object?>>>();
            }
            else if (r.IsGenericType && r.GetGenericTypeDefinition() == typeof(ValueTask<>))
            {
                _kind = ReturnKind.ValueTaskOfT;
                ResultType = r.GetGenericArguments()[0];
                _await = AwaitValueTaskOfT.MakeGenericMethod(ResultType).CreateDelegate<Func<object, Task<object?>>>();
            }
            else
            {
                _kind = ReturnKind.Value;
                ResultType = r;
            }
        }

        public MethodInfo Method { get; }
        public int Arity { get; }
        public int MinArity { get; }
        public Type? ResultType { get; }

        public object?[] ReadArguments(byte[] body, JsonSerializerOptions options)
        {
            var values = new object?[_jsonParameters.Length];
            if (_jsonParameters.Length == 1)
                values[0] = IsEmpty(body) ? Default(_jsonParameters[0]) : JsonSerializer.Deserialize(body, _jsonParameters[0].ParameterType, options);
            else if (_jsonParameters.Length > 1)
                ReadSeveral(body, options, values);
            var args = new object?[_parameters.Length];
            for (int i = 0, j = 0; i < _parameters.Length; i++)
                args[i] = _parameters[i].ParameterType == typeof(CancellationToken) ? CancellationToken.None : values[j++];
            return args;
        }

        private void ReadSeveral(byte[] body, JsonSerializerOptions options, object?[] values)
        {
            if (IsEmpty(body))
            {
                if (MinArity > 0) throw new ArgumentException($"expected a JSON array of {Arity} arguments, got an empty body");
                for (var i = 0; i < values.Length; i++) values[i] = Default(_jsonParameters[i]);
                return;
            }
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                var n = root.GetArrayLength();
                if (n < MinArity || n > Arity) throw new ArgumentException($"expected a JSON array of {(MinArity == Arity ? $"{Arity}" : $"{MinArity} to {Arity}")} arguments, got {n}");
                for (var i = 0; i < values.Length; i++)
                    values[i] = i < n ? root[i].Deserialize(_jsonParameters[i].ParameterType, options) : Default(_jsonParameters[i]);
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                var props = root.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < values.Length; i++)
                {
                    var p = _jsonParameters[i];
                    if (props.TryGetValue(p.Name!, out var v)) values[i] = v.Deserialize(p.ParameterType, options);
                    else if (p.HasDefaultValue) values[i] = Default(p);
                    else throw new ArgumentException($"missing argument '{p.Name}'");
                }
            }
            else throw new ArgumentException($"expected a JSON array (or object) of {Arity} arguments, got a JSON {root.ValueKind.ToString().ToLowerInvariant()}");
        }

        private static object? Default(ParameterInfo p) =>
            p.HasDefaultValue && p.DefaultValue is not null ? p.DefaultValue
            : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null;

        public async Task<(bool HasResult, object? Result)> CallAsync(object grain, object?[] args)
        {
            var returned = Method.Invoke(grain, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
            switch (_kind)
            {
                case ReturnKind.None: return (false, null);
                case ReturnKind.Value: return (true, returned);
                case ReturnKind.Task: await (Task)returned!; return (false, null);
                case ReturnKind.ValueTask: await (ValueTask)returned!; return (false, null);
                default: return (true, await _await!(returned!));
            }
        }
    }

    private enum ReturnKind { None, Value, Task, ValueTask, TaskOfT, ValueTaskOfT }
}
