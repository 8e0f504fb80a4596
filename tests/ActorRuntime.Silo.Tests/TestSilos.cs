using System.Diagnostics;
using ActorRuntime.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>A tiny grain for cluster tests: answers with the address of the silo it runs on.</summary>
public interface IWhereGrain : IGrainWithStringKey
{
    Task<string> Where();
}

[Orleans.Placement.RandomPlacement]
public sealed class WhereGrain(ILocalSiloDetails silo) : Grain, IWhereGrain
{
    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToString());
}

/// <summary>Builds silos and clients of a machine-local cluster for tests.</summary>
internal static class TestSilos
{
    public static HostApplicationBuilder Builder(ITestOutputHelper? output)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.MembershipService", LogLevel.Information);
        if (output is not null) builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        return builder;
    }

    public static async Task<IHost> StartSilo(string database, ITestOutputHelper? output, CancellationToken ct)
    {
        var builder = Builder(output);
        builder.UseOrleans(silo => silo.UseLocalMachineClustering(database));
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    public static async Task<IHost> StartClient(string database, ITestOutputHelper? output, CancellationToken ct)
    {
        var builder = Builder(output);
        builder.UseOrleansClient(client => client.UseLocalMachineClustering(database));
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    public static SiloAddress Address(this IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public static async Task<SiloAddress[]> ActiveSilos(this IHost host)
    {
        var hosts = await host.Grains().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.OrderBy(a => a.ToString()).ToArray();
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails with the last observed value.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        T last = default!;
        Exception? lastError = null;
        while (sw.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                last = await probe();
                if (condition(last)) return last;
                lastError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lastError = e;
            }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}; last value: {Describe(last)}", lastError);
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object>()) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Stops a host within a bounded time; a host that does not stop in time is abandoned.</summary>
    public static async Task StopQuietly(this IHost? host)
    {
        if (host is null) return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(cts.Token);
        }
        catch (Exception)
        {
            // Shutdown problems are not what these tests check.
        }
        try
        {
            host.Dispose();
        }
        catch (Exception)
        {
        }
    }
}

/// <summary>Routes logs to xunit's output (ignored once the test has finished).</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
