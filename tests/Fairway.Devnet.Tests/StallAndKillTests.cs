using Xunit.Abstractions;

namespace Fairway.Devnet.Tests;

/// <summary>
/// A frozen validator that comes back, then another that dies: the sequence that once left the survivors without
/// progress for a minute. Each step must be followed by commits among the validators still up.
/// </summary>
[Collection("processes")]
public class StallAndKillTests(ITestOutputHelper output)
{
    private static readonly int[] All = [0, 1, 2, 3];

    [Fact]
    public async Task Sigstop_then_sigcont_of_one_validator_then_sigkill_of_another_ten_times_under_load_never_stops_the_survivors()
    {
        await using var cluster = new TestCluster();
        cluster.StartAll();
        using var stop = new CancellationTokenSource();
        var load = cluster.SubmitStreamAsync(stop.Token);
        await cluster.WaitForHeightAsync(All, 3);
        var random = new Random(9);

        for (var step = 0; step < 10; step++)
        {
            var frozen = random.Next(4);
            var killed = (frozen + 1 + random.Next(3)) % 4;

            cluster.Signal(frozen, PosixSignals.Stop);
            var others = All.Where(i => i != frozen).ToArray();
            await cluster.WaitForHeightAsync(others, await cluster.MinHeightAsync(others) + 2);
            cluster.Signal(frozen, PosixSignals.Continue);

            cluster.Kill(killed);
            var survivors = All.Where(i => i != killed).ToArray();
            await cluster.WaitForHeightAsync(survivors, await cluster.MinHeightAsync(survivors) + 2);

            cluster.Start(killed);
            await cluster.WaitForHeightAsync(All, await cluster.MinHeightAsync(survivors));
            output.WriteLine($"step {step}: froze {frozen}, killed {killed}; height {await cluster.MinHeightAsync(All)}");
        }

        await stop.CancelAsync();
        await load;
        await cluster.AssertSameChainAsync(All, await cluster.MinHeightAsync(All));
    }
}
