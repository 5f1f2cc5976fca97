using Fairway.Consensus.Engine;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Tests;

public class AvailabilityBeforeVoteTests
{
    // The test network's leaders propose one batch digest per round, the hash of the round number.
    private static Hash DigestOfRound(ulong round) => Hash.Compute(BitConverter.GetBytes(round));

    [Fact]
    public void A_block_whose_batches_nobody_holds_gets_no_vote_and_its_round_times_out_while_the_chain_goes_on()
    {
        var net = new TestNetwork(4, new ConsensusConfig { TimeoutBaseTicks = 20 });
        net.Withheld.Add(DigestOfRound(5));
        net.StartAll();

        net.RunUntil(() => net.Committed.All(c => c.Count >= 12));

        Assert.All(net.Committed, chain => Assert.DoesNotContain(chain, c => c.Block.BatchDigests.Contains(DigestOfRound(5))));
        Assert.Contains(net.Committed[0], c => c.Block.Round > 5);
        Assert.True(net.Core(0).Stats.RoundsEndedByTimeout >= 1);
        Assert.True(net.Core(0).Stats.AvailabilityChecks >= 12);
    }

    [Fact]
    public void Negative_control_with_the_check_switched_off_the_unavailable_block_is_committed()
    {
        var net = new TestNetwork(4, new ConsensusConfig { TimeoutBaseTicks = 20, AvailabilityBeforeVote = false });
        net.Withheld.Add(DigestOfRound(5));
        net.StartAll();

        net.RunUntil(() => net.Committed.All(c => c.Count >= 12));

        Assert.Contains(net.Committed[0], c => c.Block.BatchDigests.Contains(DigestOfRound(5)));
        Assert.Equal(0, net.Core(0).Stats.AvailabilityChecks);
    }

    [Fact]
    public void A_vote_waits_for_the_hosts_answer_and_follows_it()
    {
        var net = new TestNetwork(4);
        net.Withheld.Add(DigestOfRound(1));
        net.StartAll();
        var leader = net.ValidatorSet.LeaderOf(1);
        var follower = Enumerable.Range(0, 4).First(i => i != leader && i != net.ValidatorSet.LeaderOf(2));

        net.RunUntil(() => net.Core(follower).Stats.AvailabilityChecks >= 1);
        Assert.Equal(0, net.Core(follower).Stats.VotesSent);

        var check = net.Outputs[follower].SelectMany(o => o).OfType<CheckAvailability>().Single();
        Assert.Equal(1UL, check.Round);
        Assert.Equal([DigestOfRound(1)], check.BatchDigests);

        // An answer for another block changes nothing; the right answer brings the vote.
        net.Carry(follower, net.Core(follower).Step(new PayloadAvailable(Hash.Compute("something else"u8))));
        Assert.Equal(0, net.Core(follower).Stats.VotesSent);
        net.Carry(follower, net.Core(follower).Step(new PayloadAvailable(check.BlockHash)));
        Assert.Equal(1, net.Core(follower).Stats.VotesSent);
    }
}
