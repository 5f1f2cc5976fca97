namespace Fairway.Consensus.Tests;

public class CatchUpTests
{
    [Fact]
    public void A_validator_cut_off_for_many_rounds_fetches_the_missing_blocks_and_commits_the_same_chain()
    {
        var net = new TestNetwork(4);
        net.Isolated.Add(3);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 40);
        Assert.Empty(net.Committed[3]);

        net.Isolated.Remove(3);
        net.RunUntil(() => net.Committed[3].Count >= 45);

        Assert.True(net.Core(3).Stats.SyncRequests > 0, "the missing blocks came through block sync");
        for (var h = 0; h < net.Committed[3].Count && h < net.Committed[0].Count; h++)
        {
            Assert.Equal(net.Committed[0][h].Block.Hash, net.Committed[3][h].Block.Hash);
            Assert.Equal((ulong)(h + 1), net.Committed[3][h].Block.Height);
        }
    }

    [Fact]
    public void A_validator_restarted_from_its_disk_resumes_without_recommitting()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        net.RunUntil(() => net.Committed[1].Count >= 10);

        net.Crash(1);
        var committedBeforeRestart = net.Committed[1].Count;
        net.RunUntil(() => net.Committed[0].Count >= committedBeforeRestart + 10);
        net.Start(1);
        net.RunUntil(() => net.Committed[1].Count >= committedBeforeRestart + 15);

        var heights = net.Committed[1].Select(c => c.Block.Height).ToList();
        Assert.Equal(Enumerable.Range(1, heights.Count).Select(h => (ulong)h), heights);
    }
}

public class CatchUpCostTests
{
    /// <summary>
    /// A validator back from a long absence hears a new proposal every round while it fetches the chain it missed. Each
    /// proposal's parent is the block of the proposal before it, already held (buffered) here: asking peers for it again
    /// sent one request of 64 blocks per round, nearly all of them copies (the fault campaign saw 40 blocks received for
    /// each one missing, and the whole network slowed while a restarted validator caught up). Answers here take a few
    /// rounds to come, as from a busy peer, so proposals do arrive while the first fetch is on its way.
    /// </summary>
    [Fact]
    public void A_validator_catching_up_asks_for_each_missing_block_about_once()
    {
        var net = new TestNetwork(4) { BlockResponseDelaySteps = 200 };
        var missed = IsolateValidator3For60Commits(net);
        HealAndCatchUp(net);

        var stats = net.Core(3).Stats;
        var unrequested = stats.DroppedByReason.GetValueOrDefault("unrequested block");
        var requests = stats.SyncRequests;
        Assert.True(requests <= (missed / net.Config.SyncBlocksPerRequest) + 10,
            $"{requests} block requests to catch up {missed} blocks ({net.Config.SyncBlocksPerRequest} per request); unrequested copies received: {unrequested}");
        Assert.True(unrequested <= missed, $"{unrequested} blocks received that were not asked for, catching up {missed}");
    }

    /// <summary>
    /// The other side of not asking twice: a catch-up whose fetches are lost must still finish. The wanted root is asked
    /// again after the retry interval, and the proposals buffered behind it wait for it rather than asking for themselves.
    /// </summary>
    [Fact]
    public void A_validator_catching_up_whose_block_answers_are_lost_still_catches_up()
    {
        var net = new TestNetwork(4) { BlockResponseDelaySteps = 200 };
        IsolateValidator3For60Commits(net);
        net.BlockResponsesToLose = 3;
        HealAndCatchUp(net);

        Assert.Equal(0, net.BlockResponsesToLose);
        Assert.Equal(net.Committed[0].Take(net.Committed[3].Count).Select(c => c.Block.Hash), net.Committed[3].Select(c => c.Block.Hash));
    }

    /// <summary>Cuts validator 3 off once it has committed 5 blocks, until the others commit 60 more; returns how many it missed.</summary>
    private static int IsolateValidator3For60Commits(TestNetwork net)
    {
        net.StartAll();
        net.RunUntil(() => net.Committed[3].Count >= 5);
        net.Isolated.Add(3);
        var from = net.Committed[0].Count;
        // Within the window of rounds a validator takes proposals from, so it learns of them as they come.
        net.RunUntil(() => net.Committed[0].Count >= from + 60);
        return net.Committed[0].Count - net.Committed[3].Count;
    }

    /// <summary>Lets validator 3 back in and runs until it is within 2 blocks of the others, 10 past where it was cut off.</summary>
    private static void HealAndCatchUp(TestNetwork net)
    {
        var target = net.Committed[0].Count + 10;
        net.Isolated.Remove(3);
        net.RunUntil(() => net.Committed[3].Count >= net.Committed[0].Count - 2 && net.Committed[3].Count >= target);
    }
}
