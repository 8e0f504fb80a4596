using System.Globalization;
using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// Dapr's pub/sub quickstart (<c>samples/pub-sub</c>: checkout publishes orders 1..10 to <c>orderpubsub</c>/<c>orders</c>,
/// order-processor subscribes; C# and JavaScript, SDK and plain HTTP) run as its README says: with the variant's run file
/// (<c>actorrt run -f</c>), and as two separate <c>actorrt run</c> commands. The run file is the sample's own, written to
/// a temporary folder with only what a test machine needs changed: app folders as absolute paths, a free app port, and
/// the component folder with <c>redisHost</c> pointed at the test Redis. The subscriber must print every order.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class PubSubQuickstartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Theory(Timeout = 600_000)]
    [InlineData("csharp/http", "order-processor-http")]
    [InlineData("csharp/sdk", "order-processor")]
    [InlineData("javascript/http", "order-processor-http")]
    [InlineData("javascript/sdk", "order-processor")]
    public async Task The_run_file_delivers_every_published_order_to_the_subscriber(string sample, string subscriber)
    {
        await ExternalServices.EnsureRedisAsync();
        await PubSubQuickstart.PrepareAsync(sample, output);
        await PubSubQuickstart.ResetSubscriberGroupAsync(subscriber);
        var work = Directory.CreateTempSubdirectory("actorrt-pubsub-qs-").FullName;
        try
        {
            var components = PubSubQuickstart.WriteComponents(work);
            var variant = Path.Combine(PubSubQuickstart.Root, sample);
            var runFile = (await File.ReadAllTextAsync(Path.Combine(variant, "dapr.yaml")))
                .Replace("resourcesPath: ../../components/", $"resourcesPath: {components}", StringComparison.Ordinal)
                .Replace("appDirPath: ./order-processor/", $"appDirPath: {Path.Combine(variant, "order-processor")}", StringComparison.Ordinal)
                .Replace("appDirPath: ./checkout/", $"appDirPath: {Path.Combine(variant, "checkout")}", StringComparison.Ordinal);
            runFile = Regex.Replace(runFile, @"appPort: \d+", $"appPort: {CliProcess.FreePort().ToString(CultureInfo.InvariantCulture)}");
            var run = Directory.CreateDirectory(Path.Combine(work, "run")).FullName;
            await File.WriteAllTextAsync(Path.Combine(run, "dapr.yaml"), runFile);
            var home = Directory.CreateDirectory(Path.Combine(work, "home")).FullName;

            await using var cli = await CliProcess.StartAsync(home, run, "run", "-f", ".");
            try
            {
                // One output for both apps: each app's lines carry the run's "== APP - <app id> ==" prefix.
                var publisher = sample.EndsWith("sdk", StringComparison.Ordinal) ? "checkout-sdk" : "checkout-http";
                await PubSubQuickstart.WaitForAllOrdersAsync(() => LinesOf(cli.Output, publisher), () => LinesOf(cli.Output, subscriber),
                    () => cli.HasExited, RunTimeout);
            }
            finally
            {
                output.WriteLine(cli.Output);
            }
            Assert.Equal(0, await cli.StopAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task Separate_run_commands_deliver_every_published_order_to_the_subscriber()
    {
        const string sample = "javascript/sdk";
        await ExternalServices.EnsureRedisAsync();
        await PubSubQuickstart.PrepareAsync(sample, output);
        await PubSubQuickstart.ResetSubscriberGroupAsync("order-processor");
        var work = Directory.CreateTempSubdirectory("actorrt-pubsub-qs-").FullName;
        try
        {
            var components = PubSubQuickstart.WriteComponents(work);
            var home = Directory.CreateDirectory(Path.Combine(work, "home")).FullName;
            var variant = Path.Combine(PubSubQuickstart.Root, sample);
            var subscriberHttp = CliProcess.FreePort();

            // The README's two commands, with free ports instead of the defaults so a busy test machine cannot collide.
            await using var subscriber = await CliProcess.StartAsync(home, Path.Combine(variant, "order-processor"),
                "run", "--app-id", "order-processor", "--app-port", Port(CliProcess.FreePort()),
                "--dapr-http-port", Port(subscriberHttp), "--dapr-grpc-port", Port(CliProcess.FreePort()),
                "--resources-path", components, "--", "npm", "run", "start");
            CliProcess? publisher = null;
            try
            {
                await CliProcess.WaitHealthyAsync(Http, subscriberHttp, RunTimeout, subscriber);
                publisher = await CliProcess.StartAsync(home, Path.Combine(variant, "checkout"),
                    "run", "--app-id", "checkout-sdk",
                    "--dapr-http-port", Port(CliProcess.FreePort()), "--dapr-grpc-port", Port(CliProcess.FreePort()),
                    "--resources-path", components, "--", "npm", "run", "start");
                var pub = publisher;
                await PubSubQuickstart.WaitForAllOrdersAsync(() => pub.Output, () => subscriber.Output, () => subscriber.HasExited, RunTimeout);
                // A single-app run ends with its app: the checkout's exit code, 0 once every publish succeeded.
                Assert.Equal(0, await pub.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            }
            finally
            {
                output.WriteLine("--- order-processor ---\n" + subscriber.Output);
                if (publisher is not null)
                {
                    output.WriteLine("--- checkout ---\n" + publisher.Output);
                    await publisher.DisposeAsync();
                }
            }
            Assert.Equal(0, await subscriber.StopAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string LinesOf(string output, string appId) =>
        string.Join('\n', output.Split('\n').Where(l => l.Contains($"== APP - {appId} ==", StringComparison.Ordinal)));

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
