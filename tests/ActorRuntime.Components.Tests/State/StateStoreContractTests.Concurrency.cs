using System.Text;
using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Tests.State;

public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task ParallelWritersWithTheSameETag_ExactlyOneWinsEachRound()
    {
        const int writers = 50, rounds = 4;
        var etag = await SetAsync("contended", "start");
        for (var round = 0; round < rounds; round++)
        {
            var expected = etag;
            var attempts = Enumerable.Range(0, writers).Select(async writer =>
            {
                var value = $"round{round}-writer{writer}";
                try
                {
                    var newETag = await Store.SetAsync(new StateWrite(Key("contended"), Bytes(value), expected), Ct);
                    return (Won: true, Value: value, ETag: newETag);
                }
                catch (ETagMismatchException)
                {
                    return (Won: false, Value: value, ETag: "");
                }
            }).ToArray();
            var outcomes = await Task.WhenAll(attempts).WaitAsync(StepTimeout);

            var winners = outcomes.Where(o => o.Won).ToArray();
            Assert.True(winners.Length == 1, $"round {round}: {winners.Length} writers won");
            var stored = await GetAsync("contended");
            Assert.Equal(winners[0].Value, Encoding.UTF8.GetString(stored!.Value));
            Assert.Equal(winners[0].ETag, stored.ETag);
            etag = stored.ETag;
        }
    }

    [Fact]
    public async Task ParallelFirstWriters_ExactlyOneInserts()
    {
        const int writers = 50;
        var attempts = Enumerable.Range(0, writers).Select(async writer =>
        {
            try
            {
                await Store.SetAsync(new StateWrite(Key("once"), Bytes($"w{writer}"), Concurrency: StateConcurrency.FirstWrite), Ct);
                return true;
            }
            catch (ETagMismatchException)
            {
                return false;
            }
        });

        var won = await Task.WhenAll(attempts).WaitAsync(StepTimeout);

        Assert.Equal(1, won.Count(w => w));
    }
}
