using ActorRuntime.Bench;

try
{
    var options = BenchOptions.Parse(args);
    return options.Scenario switch
    {
        "state" => await StateScenario.RunAsync(options),
        "cluster" => await ClusterScenario.RunAsync(options),
        "invoke" => await InvokeScenario.RunAsync(options),
        "actors" => await ActorsScenario.RunAsync(options),
        "pubsub" => await PubSubScenario.RunAsync(options),
        "bindings" => await BindingsScenario.RunAsync(options),
        "cron" => await CronScenario.RunAsync(options),
        "metrics" => await MetricsScenario.RunAsync(options),
        "tracing" => await TracingScenario.RunAsync(options),
        "mtls" => await MtlsScenario.RunAsync(options),
        _ => throw new ArgumentException($"unknown scenario '{options.Scenario}' (known: state, cluster, invoke, actors, pubsub, bindings, cron, metrics, tracing, mtls)"),
    };
}
catch (HelpRequested)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"actorrt-bench: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
catch (BenchFailedException e)
{
    Console.Error.WriteLine($"actorrt-bench: {e.Message}");
    return 1;
}

namespace ActorRuntime.Bench
{
    /// <summary>A failure that ends the run with a message and no stack trace (build failed, runtime did not start...).</summary>
    internal sealed class BenchFailedException(string message) : Exception(message);
}
