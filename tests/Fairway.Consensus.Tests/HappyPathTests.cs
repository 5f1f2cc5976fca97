using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;

namespace Fairway.Consensus.Tests;

public class HappyPathTests
{
    [Fact]
    public void Four_validators_commit_the_same_chain_in_height_order()
    {
        var net = new TestNetwork(4);
        net.StartAll();

        net.RunUntil(() => net.Committed.All(c => c.Count >= 12));

        var reference = net.Committed[0];
        foreach (var chain in net.Committed)
        {
            for (var h = 0; h < 12; h++)
            {
                Assert.Equal(reference[h].Block.Hash, chain[h].Block.Hash);
                Assert.Equal((ulong)(h + 1), chain[h].Block.Height);
                Assert.Equal(chain[h].Block.Hash, chain[h].Qc.BlockHash);
                Assert.True(net.Certificates.Verify(chain[h].Qc, out _));
            }
        }

        Assert.All(net.Cores, c => Assert.Equal(0, c!.Stats.LocalTimeouts));
    }

    [Fact]
    public void Every_vote_timeout_and_proposal_is_preceded_by_the_safety_state_that_covers_it()
    {
        var net = new TestNetwork(4, new ConsensusConfig { TimeoutBaseTicks = 5 });
        net.StartAll();
        net.Isolated.Add(2);
        net.RunUntil(() => net.Committed[0].Count >= 6);

        var checkedSends = 0;
        for (var node = 0; node < net.Outputs.Length; node++)
        {
            SafetyState? persisted = null;
            foreach (var output in net.Outputs[node].SelectMany(step => step))
            {
                var message = output switch
                {
                    PersistSafety p => null,
                    SendTo s => s.Message,
                    Broadcast b => b.Message,
                    _ => null,
                };
                if (output is PersistSafety write)
                {
                    persisted = write.State;
                }

                switch (message)
                {
                    case VoteMessage v:
                        Assert.Equal(v.BlockHash, persisted?.LastVote?.BlockHash);
                        Assert.Equal(v.Round, persisted?.LastVote?.Round);
                        checkedSends++;
                        break;
                    case TimeoutMessage t when t.Author == node:
                        Assert.Equal(t.Round, persisted?.LastTimeout?.Round);
                        Assert.True(persisted!.LastVotedRound >= t.Round);
                        checkedSends++;
                        break;
                    case ProposalMessage pr when pr.Block.Author == node:
                        Assert.Equal(pr.Block.Hash, persisted?.LastProposal?.Block.Hash);
                        checkedSends++;
                        break;
                }
            }
        }

        Assert.True(checkedSends > 20);
    }

    [Fact]
    public void A_silent_leader_is_replaced_through_a_timeout_certificate()
    {
        var net = new TestNetwork(4, new ConsensusConfig { TimeoutBaseTicks = 10 });
        var leaderOfRound1 = net.ValidatorSet.LeaderOf(1);
        net.Isolated.Add(leaderOfRound1);
        net.StartAll();

        var others = Enumerable.Range(0, 4).Where(i => i != leaderOfRound1).ToArray();
        net.RunUntil(() => others.All(i => net.Core(i).Round >= 2));

        Assert.All(others, i => Assert.True(net.Core(i).HighTc?.Round >= 1));
        net.RunUntil(() => others.All(i => net.Committed[i].Count >= 3));
    }
}
