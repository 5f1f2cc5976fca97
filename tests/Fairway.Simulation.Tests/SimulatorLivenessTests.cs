using Fairway.Consensus.Engine;
using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// One crashed validator is the most ordinary fault: the chain must keep most of its pace. Rates are blocks per
/// simulated second, with timeouts costing their configured simulated time.
/// </summary>
public class SimulatorLivenessTests
{
    private const int Seeds = 8;

    [Theory]
    [InlineData(4, 1)]
    [InlineData(7, 2)]
    public void With_f_validators_crashed_the_chain_keeps_at_least_half_its_all_up_block_rate(int nodes, int crashed)
    {
        var options = new SimulationOptions { Nodes = nodes, Rounds = 300, Seed = 11 };

        var allUp = SimulationBatch.Run(options, Seeds);
        var down = SimulationBatch.Run(options with { Crashed = crashed }, Seeds);

        Assert.True(allUp.Passed && down.Passed, $"failing seeds: {string.Join(",", allUp.FailingSeeds.Concat(down.FailingSeeds))}");
        Assert.True(
            down.BlocksPerSimulatedSecond >= 0.5 * allUp.BlocksPerSimulatedSecond,
            $"{down.BlocksPerSimulatedSecond:F1} blocks/s with {crashed} down against {allUp.BlocksPerSimulatedSecond:F1} all up");
        var baseTimeoutMs = options.Consensus.TimeoutBaseTicks * options.TickMs;
        Assert.True(down.CommitLatencyP99Ms <= 2 * baseTimeoutMs, $"commit p99 {down.CommitLatencyP99Ms} ms with {crashed} down");
        Assert.Equal(0, allUp.Timeouts);
    }

    [Fact]
    public void Negative_control_without_leader_reputation_a_crashed_validator_costs_most_of_the_block_rate()
    {
        var options = new SimulationOptions { Nodes = 4, Rounds = 300, Seed = 11 };
        var plain = options with { Consensus = new ConsensusConfig { LeaderReputationWindowBlocks = 0 } };

        var allUp = SimulationBatch.Run(plain, Seeds);
        var down = SimulationBatch.Run(plain with { Crashed = 1 }, Seeds);

        // The same check as above must fire when the mechanism it guards is switched off.
        Assert.True(
            down.BlocksPerSimulatedSecond < 0.5 * allUp.BlocksPerSimulatedSecond,
            $"{down.BlocksPerSimulatedSecond:F1} blocks/s with one down against {allUp.BlocksPerSimulatedSecond:F1} all up");
        Assert.True(down.Timeouts > 10 * Seeds);
    }

    [Fact]
    public void A_crashed_validator_is_never_counted_as_a_live_node_that_failed_to_commit()
    {
        var report = SimulationBatch.Run(new SimulationOptions { Nodes = 4, Rounds = 100, Seed = 3, Crashed = 1 }, 2);

        Assert.True(report.Passed);
        Assert.All(report.Results, r => Assert.Equal(3, r.CommittedBlocks.Count));
        Assert.Throws<ArgumentException>(() => SimulationBatch.Run(new SimulationOptions { Nodes = 4, Crashed = 4 }, 1));
    }
}
