using ActorRuntime.Cli.Commands;
using ActorRuntime.Components.Model;

try
{
    return args.FirstOrDefault() switch
    {
        "run" => await RunCommand.ExecuteAsync(args[1..]),
        "stop" => await StopCommand.ExecuteAsync(args[1..]),
        "list" => ListCommand.Execute(),
        "silo" => await SiloCommand.ExecuteAsync(args[1..]),
        "db" => await DbCommand.ExecuteAsync(args[1..]),
        "gateway" => await GatewayCommand.ExecuteAsync(args[1..]),
        "cluster" => await ClusterCommand.ExecuteAsync(args[1..]),
        "ca" => CaCommand.Execute(args[1..]),
        null or "help" or "--help" or "-h" => PrintUsage(),
        var other => throw new UsageException($"unknown command '{other}'"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"❌  {ex.Message}");
    Usage.Print();
    return 2;
}
catch (ComponentConfigurationException ex)
{
    Console.Error.WriteLine($"❌  Invalid resource: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex.InnerException is ComponentConfigurationException inner)
{
    Console.Error.WriteLine($"❌  Invalid resource: {inner.Message}");
    return 1;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    // Start-up failures (database unreachable, port taken, ...) deserve one clear line, not a crash dump.
    Console.Error.WriteLine($"❌  {ex.GetType().Name}: {ex.Message}");
    if (ex.InnerException is { } inner) Console.Error.WriteLine($"    caused by {inner.GetType().Name}: {inner.Message}");
    return 1;
}

static int PrintUsage()
{
    Usage.Print();
    return 0;
}
