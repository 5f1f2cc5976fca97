using Fairway.Consensus.Engine;

namespace Fairway.Consensus.Tests;

public class LeaderReputationTests
{
    private static TestNetwork StartWithout(int down, ConsensusConfig? config = null)
    {
        var net = new TestNetwork(4, config);
        for (var i = 0; i < 4; i++)
        {
            if (i != down)
            {
                net.Start(i);
            }
        }

        return net;
    }

    [Fact]
    public void A_crashed_validator_is_no_longer_drawn_as_leader_once_a_window_of_blocks_passes()
    {
        var net = StartWithout(3);
        net.RunUntil(() => net.Committed[0].Count >= 25);
        var timeoutsAfterWarmup = net.Core(0).Stats.RoundsEndedByTimeout;

        net.RunUntil(() => net.Committed[0].Count >= 85);

        Assert.True(timeoutsAfterWarmup > 0, "the plain schedule before the window fills should have hit the crashed leader");
        Assert.Equal(timeoutsAfterWarmup, net.Core(0).Stats.RoundsEndedByTimeout);
        Assert.DoesNotContain(net.Committed[0].Skip(25), c => c.Block.Author == 3);
        Assert.Equal([0, 1, 2], net.Core(0).EligibleLeaders!);
    }

    [Fact]
    public void A_validator_that_fails_to_lead_is_passed_over_while_its_failure_is_in_the_window()
    {
        var withReputation = RunWithSilentLeader(new ConsensusConfig());
        var without = RunWithSilentLeader(new ConsensusConfig { LeaderReputationWindowBlocks = 0 });

        // About one failure per window once it is back in the draw, against one in four rounds without reputation.
        Assert.True(withReputation <= 20, $"{withReputation} rounds timed out with reputation");
        Assert.True(without > 2 * withReputation, $"{without} rounds timed out without reputation, {withReputation} with");
    }

    private static long RunWithSilentLeader(ConsensusConfig config)
    {
        var net = new TestNetwork(4, config);
        net.SilentLeaders.Add(2);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 80, stepsMax: 2_000_000);
        Assert.DoesNotContain(net.Committed[0], c => c.Block.Author == 2);
        return net.Core(0).Stats.RoundsEndedByTimeout;
    }

    [Fact]
    public void A_restarted_validator_computes_the_same_leaders_from_its_recovered_history()
    {
        var net = new TestNetwork(4);
        net.SilentLeaders.Add(3);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 40, stepsMax: 2_000_000);
        net.Crash(0);
        net.Start(0);

        // Leaders are only ever computed on the committed tip or above it: compare there, over many rounds.
        var anchor = net.Core(0).CommittedTip.Hash;
        var restarted = net.Core(0);
        var running = net.Core(1);
        var differentFromPlain = 0;
        for (var round = 1_000UL; round < 1_100; round++)
        {
            var expected = running.LeaderFor(round, anchor);
            Assert.NotNull(expected);
            Assert.Equal(expected, restarted.LeaderFor(round, anchor));
            differentFromPlain += expected != net.ValidatorSet.LeaderOf(round) ? 1 : 0;
        }

        // The comparison means something only if reputation changed some leaders at this anchor.
        Assert.True(differentFromPlain > 0, "reputation changed no leader at this anchor");
    }

    [Fact]
    public void Leaders_follow_the_plain_stake_weighted_schedule_until_the_chain_is_a_window_long()
    {
        var net = new TestNetwork(4);
        net.StartAll();
        var genesis = net.Genesis.Hash;

        for (var round = 1UL; round < 50; round++)
        {
            Assert.Equal(net.ValidatorSet.LeaderOf(round), net.Core(0).LeaderFor(round, genesis));
        }
    }
}
