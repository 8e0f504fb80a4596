using System.Diagnostics;
using System.Text.RegularExpressions;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// What the pub/sub quickstart tests need around <c>samples/pub-sub</c>: the variant's apps made runnable (npm ci, dotnet
/// build), the sample's component file with <c>redisHost</c> pointed at the test Redis, a fresh consumer group for the
/// subscriber, and the order ids read back from the apps' output lines.
/// </summary>
internal static partial class PubSubQuickstart
{
    public const int OrdersPublished = 10;
    public const string Topic = "orders";

    public static string Root => Path.Combine(RepoPaths.Root, "samples", "pub-sub");

    /// <summary>Installs the SDK packages (JavaScript) or builds both projects (C#) so the run file's commands start quickly.</summary>
    public static async Task PrepareAsync(string sample, ITestOutputHelper output)
    {
        foreach (var app in new[] { "order-processor", "checkout" })
        {
            var folder = Path.Combine(Root, sample, app);
            if (sample == "javascript/sdk") await NodeModules.EnsureAsync(folder, output);
            if (!sample.StartsWith("csharp", StringComparison.Ordinal)) continue;
            var psi = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = folder };
            foreach (var a in new[] { "build", "-nologo", "-v", "quiet", "-clp:ErrorsOnly" }) psi.ArgumentList.Add(a);
            DotnetHost.CleanEnvironment(psi);
            var build = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(5));
            Assert.True(build.ExitCode == 0, $"building {sample}/{app} failed:\n{build.Output}");
        }
    }

    /// <summary>The sample's <c>components</c> folder copied under <paramref name="work"/>, with only the Redis address changed.</summary>
    public static string WriteComponents(string work)
    {
        var components = Directory.CreateDirectory(Path.Combine(work, "components")).FullName;
        var yaml = File.ReadAllText(Path.Combine(Root, "components", "pubsub.yaml"));
        Assert.Contains("value: localhost:6379", yaml, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(components, "pubsub.yaml"),
            yaml.Replace("value: localhost:6379", $"value: \"{ExternalServices.RedisHost}\"", StringComparison.Ordinal));
        return components;
    }

    /// <summary>
    /// Replaces the subscriber's consumer group on the <c>orders</c> stream with one positioned at the stream's end. A group
    /// keeps its position (and its unacknowledged entries) between runs, so a group left by an earlier run could hand
    /// over that run's orders and let a run whose publisher or delivery is broken pass.
    /// </summary>
    public static async Task ResetSubscriberGroupAsync(string subscriberAppId)
    {
        var options = ConfigurationOptions.Parse(ExternalServices.RedisHost);
        options.ConnectTimeout = 5000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        if (await db.KeyExistsAsync(Topic)) await db.StreamDeleteConsumerGroupAsync(Topic, subscriberAppId);
        await db.StreamCreateConsumerGroupAsync(Topic, subscriberAppId, StreamPosition.NewMessages, createStream: true);
    }

    /// <summary>Waits until the publisher printed every order and the subscriber printed receiving every one of them.</summary>
    public static async Task WaitForAllOrdersAsync(Func<string> publisherOutput, Func<string> subscriberOutput, Func<bool> gaveUp, TimeSpan timeout)
    {
        var expected = Enumerable.Range(1, OrdersPublished).ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var published = OrderIds(publisherOutput(), "Published data");
            var received = OrderIds(subscriberOutput(), "Subscriber received");
            if (expected.IsSubsetOf(published) && expected.IsSubsetOf(received)) return;
            Assert.True(DateTime.UtcNow < deadline && !gaveUp(),
                $"published {Show(published)}, received {Show(received)}; expected 1..{OrdersPublished} in both");
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Order ids of the lines with <paramref name="marker"/>: <c>{"orderId":3}</c> from JavaScript, <c>Order { OrderId = 3 }</c>
    /// from C#.
    /// </summary>
    public static HashSet<int> OrderIds(string output, string marker) =>
        output.Split('\n')
            .Where(l => l.Contains(marker, StringComparison.Ordinal))
            .Select(l => OrderIdPattern().Match(l))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();

    private static string Show(HashSet<int> ids) => "[" + string.Join(",", ids.Order()) + "]";

    [GeneratedRegex("""orderId"?\s*[:=]\s*(\d+)""", RegexOptions.IgnoreCase)]
    private static partial Regex OrderIdPattern();
}
