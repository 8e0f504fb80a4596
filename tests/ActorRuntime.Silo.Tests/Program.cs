using ActorRuntime.Silo.Clustering;
using Microsoft.Extensions.Hosting;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// Entry point for <c>dotnet ActorRuntime.Silo.Tests.dll child-silo &lt;database&gt;</c>: runs one silo of the
/// machine-local cluster in its own process so a test can kill it like a crashed <c>actorrt run</c>.
/// Prints <c>READY &lt;silo address&gt;</c> once started; exits when its standard input closes (the test ended).
/// The test runner loads this assembly as a library and never calls Main.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["child-silo", var database])
        {
            await Console.Error.WriteLineAsync("usage: ActorRuntime.Silo.Tests child-silo <database>");
            return 2;
        }

        var builder = TestSilos.Builder(output: null);
        builder.UseOrleans(silo => silo.UseLocalMachineClustering(database));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("READY " + host.Address());
        Console.Out.Flush();

        // Live until the parent closes our stdin (or kills us, which is the point).
        await Console.In.ReadToEndAsync();
        await host.StopAsync();
        return 0;
    }
}
