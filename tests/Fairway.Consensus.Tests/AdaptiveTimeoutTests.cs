using Fairway.Consensus.Engine;

namespace Fairway.Consensus.Tests;

public class AdaptiveTimeoutTests
{
    [Fact]
    public void The_base_timeout_starts_at_the_configured_base_and_shrinks_to_the_floor_when_rounds_are_fast()
    {
        var config = new ConsensusConfig { TimeoutBaseTicks = 100, TimeoutMinTicks = 20 };
        var net = new TestNetwork(4, config);
        net.StartAll();
        Assert.Equal(100, net.Core(0).BaseTimeoutTicks);

        // The test network delivers every message within the same tick: rounds take no time at all.
        net.RunUntil(() => net.Committed[0].Count >= 10);

        Assert.Equal(20, net.Core(0).BaseTimeoutTicks);
        Assert.Equal(0, net.Core(0).Stats.LocalTimeouts);
    }

    [Fact]
    public void Timeouts_double_with_consecutive_failures_and_return_to_base_after_a_commit()
    {
        var config = new ConsensusConfig { TimeoutBaseTicks = 100, TimeoutMinTicks = 20, TimeoutJitterTicksMax = 0, LeaderSilentTicks = 1_000_000 };
        var net = new TestNetwork(4, config);
        net.StartAll();
        net.RunUntil(() => net.Committed[0].Count >= 5);
        var core = net.Core(0);
        Assert.Equal(20, core.RoundTimeoutTicksNow);

        // Every proposal lost: rounds end in timeout certificates one after another, with no commit in between.
        for (var i = 0; i < 4; i++)
        {
            net.SilentLeaders.Add(i);
        }

        var timeouts = new List<long>();
        net.RunUntil(() =>
        {
            if (core.Stats.RoundsEndedByTimeout > timeouts.Count)
            {
                timeouts.Add(core.RoundTimeoutTicksNow);
            }

            return timeouts.Count >= 6;
        });
        Assert.Equal([20L, 40, 80, 160, 160, 160], timeouts);

        net.SilentLeaders.Clear();
        var committed = net.Committed[0].Count;
        net.RunUntil(() => net.Committed[0].Count >= committed + 2);
        Assert.Equal(20, core.RoundTimeoutTicksNow);
    }

    [Fact]
    public void A_round_led_by_a_validator_silent_for_too_long_gets_only_the_short_timeout()
    {
        var config = new ConsensusConfig
        {
            TimeoutBaseTicks = 100,
            TimeoutMinTicks = 20,
            TimeoutJitterTicksMax = 0,
            LeaderSilentTicks = 150,
            LeaderReputationWindowBlocks = 0,
        };
        var net = new TestNetwork(4, config);
        for (var i = 0; i < 3; i++)
        {
            net.Start(i);
        }

        var core = net.Core(0);
        net.RunUntil(() => net.Ticks > 200 && core.LeaderOf(core.Round) == 3);

        Assert.Equal(20, core.RoundTimeoutTicksNow);
    }
}
