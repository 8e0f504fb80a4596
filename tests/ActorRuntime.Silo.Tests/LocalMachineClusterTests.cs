using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;

/// <summary>
/// Real silos on real sockets sharing one SQLite membership file, as several <c>actorrt run</c> processes do.
/// Each test has its own database (its own cluster) and finishes within 60 s.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class LocalMachineClusterTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-cluster-").FullName;
    private string Database => Path.Combine(_dir, "data", "cluster.sqlite");
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_silos_form_one_cluster_and_a_client_connects()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        IHost? a = null, b = null, client = null;
        try
        {
            a = await TestSilos.StartSilo(Database, output, ct);
            b = await TestSilos.StartSilo(Database, output, ct);
            var expected = new[] { a.Address(), b.Address() }.OrderBy(x => x.ToString()).ToArray();
            Assert.NotEqual(expected[0].Endpoint.Port, expected[1].Endpoint.Port);
            Assert.All(expected, s => Assert.Equal("127.0.0.1", s.Endpoint.Address.ToString()));

            foreach (var silo in new[] { a, b })
            {
                await TestSilos.Eventually(silo.ActiveSilos, active => active.SequenceEqual(expected), Converge, "both silos active", ct);
            }

            // Calls from each silo; random placement spreads activations, so both silos answer.
            var seen = new HashSet<string>();
            foreach (var (silo, prefix) in new[] { (a, "from-a-"), (b, "from-b-") })
            {
                for (var i = 0; i < 20; i++)
                    seen.Add(await silo.Grains().GetGrain<IWhereGrain>(prefix + i).Where());
            }
            Assert.Equal(expected.Select(s => s.ToString()).Order(), seen.Order());

            client = await TestSilos.StartClient(Database, output, ct);
            var where = await client.Grains().GetGrain<IWhereGrain>("from-client").Where();
            Assert.Contains(where, seen);
        }
        finally
        {
            await client.StopQuietly();
            await b.StopQuietly();
            await a.StopQuietly();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_killed_silo_does_not_block_a_new_silo_and_is_declared_dead()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        IHost? a = null, c = null;
        using var killed = ChildSilo.Start(Database);
        try
        {
            var killedAddress = await killed.WaitReady(TimeSpan.FromSeconds(25), ct);
            a = await TestSilos.StartSilo(Database, output, ct);
            await TestSilos.Eventually(a.ActiveSilos, active => active.Length == 2, Converge, "child and in-process silo active", ct);

            killed.Kill();
            output.WriteLine($"killed child silo {killedAddress} (pid {killed.Pid})");

            var sw = Stopwatch.StartNew();
            c = await TestSilos.StartSilo(Database, output, ct);
            output.WriteLine($"third silo started in {sw.Elapsed.TotalSeconds:0.0}s");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"third silo took {sw.Elapsed}");

            var expected = new[] { a.Address(), c.Address() }.OrderBy(x => x.ToString()).ToArray();
            await TestSilos.Eventually(a.ActiveSilos, active => active.SequenceEqual(expected), Converge, "killed silo declared dead", ct);
            Assert.NotNull(await c.Grains().GetGrain<IWhereGrain>("after-kill").Where());
        }
        catch (Exception) when (WriteChildLog(killed))
        {
            throw;
        }
        finally
        {
            await c.StopQuietly();
            await a.StopQuietly();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stale_row_left_by_a_killed_lone_silo_does_not_prevent_start_up()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        IHost? next = null;
        using var killed = ChildSilo.Start(Database);
        try
        {
            await killed.WaitReady(TimeSpan.FromSeconds(25), ct);
            killed.Kill(); // its row stays "Active" and nobody is left to vote it dead

            var sw = Stopwatch.StartNew();
            next = await TestSilos.StartSilo(Database, output, ct);
            output.WriteLine($"silo started next to a stale row in {sw.Elapsed.TotalSeconds:0.0}s");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"start-up took {sw.Elapsed}");

            var active = await TestSilos.Eventually(next.ActiveSilos, s => s.Length == 1, Converge, "only the new silo active", ct);
            Assert.Equal(next.Address(), active[0]);
            Assert.NotNull(await next.Grains().GetGrain<IWhereGrain>("alone").Where());
        }
        catch (Exception) when (WriteChildLog(killed))
        {
            throw;
        }
        finally
        {
            await next.StopQuietly();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_silo_disposed_without_stopping_is_removed_and_the_cluster_goes_on()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        IHost? a = null, b = null, c = null;
        try
        {
            a = await TestSilos.StartSilo(Database, output, ct);
            b = await TestSilos.StartSilo(Database, output, ct);
            await TestSilos.Eventually(a.ActiveSilos, s => s.Length == 2, Converge, "two active silos", ct);

            var gone = b.Address();
            b.Dispose(); // no StopAsync: no graceful leave
            b = null;

            c = await TestSilos.StartSilo(Database, output, ct);
            var expected = new[] { a.Address(), c.Address() }.OrderBy(x => x.ToString()).ToArray();
            var active = await TestSilos.Eventually(a.ActiveSilos, s => s.SequenceEqual(expected), Converge, "disposed silo removed", ct);
            Assert.DoesNotContain(gone, active);
        }
        finally
        {
            await c.StopQuietly();
            await b.StopQuietly();
            await a.StopQuietly();
        }
    }

    private bool WriteChildLog(ChildSilo child)
    {
        try
        {
            output.WriteLine("---- child silo output ----\n" + child.Log);
        }
        catch (InvalidOperationException)
        {
        }
        return false;
    }
}
