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
