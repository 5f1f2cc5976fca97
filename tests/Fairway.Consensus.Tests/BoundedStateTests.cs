using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Tests;

public class BoundedStateTests
{
    [Fact]
    public void Caches_stay_bounded_over_many_commits_while_a_validator_equivocates_every_round()
    {
        const int commits = 300;
        var config = new ConsensusConfig();
        var net = new TestNetwork(4, config);
        net.StartAll();
        const int cheater = 3;
        var peaks = new int[8];
        for (var target = 1; target <= commits; target++)
        {
            net.RunUntil(() => net.Committed[0].Count >= target);

            // Two signed votes for different blocks in validator 0's current round: fresh evidence every round.
            var round = net.Core(0).Round;
            foreach (var label in new[] { "a", "b" })
            {
                var block = Hash.Compute(System.Text.Encoding.UTF8.GetBytes($"{label}{round}"));
                var signature = net.Signers[cheater].Sign(SigningDomain.VoteMessage(net.ChainId, round, block));
                net.Deliver(0, cheater, new VoteMessage(round, block, cheater, signature));
            }

            var r = net.Core(0).Retained;
            int[] now = [r.EvidenceRounds, r.VerifiedQcs, r.Certified, r.ProposalRounds, r.VoteRounds, r.TimeoutRounds, r.TreeBlocks, r.HistoryBlocks];
            for (var i = 0; i < peaks.Length; i++)
            {
                peaks[i] = Math.Max(peaks[i], now[i]);
            }
        }

        // The evidence was really found, once per round, so the evidence keys had something to grow with.
        Assert.True(net.Core(0).Stats.EvidenceFound >= commits, $"evidence found {net.Core(0).Stats.EvidenceFound}");
        var window = (int)config.EvidenceRoundsWindow;
        Assert.InRange(peaks[0], 1, window + 1);
        Assert.InRange(peaks[1], 1, 8);
        Assert.InRange(peaks[2], 0, 8);
        Assert.InRange(peaks[3], 1, window + 1);
        Assert.InRange(peaks[4], 1, 4 + (int)config.FutureRoundsWindow);
        Assert.InRange(peaks[5], 0, 4 + (int)config.FutureRoundsWindow);
        Assert.InRange(peaks[6], 1, 8);
        Assert.InRange(peaks[7], 1, ConsensusCore.HistoryBlocksNeeded(config));
    }
}
