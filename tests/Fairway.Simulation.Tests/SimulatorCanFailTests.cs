using Fairway.Consensus.Engine;
using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>A checker that never fires proves nothing: these runs must break invariants, and the simulator must say so.</summary>
public class SimulatorCanFailTests
{
    private static readonly SimulationOptions Faults = Scenarios.Faults;

    [Fact]
    public void Two_twins_among_four_validators_break_agreement()
    {
        var report = SimulationBatch.Run(Faults with { Byzantine = ByzantineKind.Twins, Faulty = 2, Seed = 1 }, seeds: 60);

        Assert.True(report.SafetyViolations > 0, "two doubled keys out of four exceed f = 1, so some seed must fork");
        Assert.NotEmpty(report.FailingSeeds);
        Assert.Contains(report.Results, r => r.SafetyViolations.Any(v => v.Contains("agreement broken", StringComparison.Ordinal)));
    }

    [Fact]
    public void Weakened_voting_rule_is_caught()
    {
        var weakened = new ConsensusConfig { UnsafeVotingRuleWeakeningForTesting = VotingRuleWeakening.VoteForAnything };
        var report = SimulationBatch.Run(
            Faults with { Byzantine = ByzantineKind.EquivocatingLeader, Faulty = 1, Seed = 1, Consensus = weakened },
            seeds: 60);

        Assert.True(report.SafetyViolations + report.DoubleSigns > 0, "voting twice in a round must be observed");
        Assert.NotEmpty(report.FailingSeeds);
    }

    [Fact]
    public void A_failing_seed_replays_to_the_same_failure()
    {
        var options = Faults with { Byzantine = ByzantineKind.Twins, Faulty = 2, Seed = 1 };
        var failing = SimulationBatch.Run(options, seeds: 60).Results.First(r => r.Failed);

        var replay = Simulator.Run(options with { Seed = failing.Seed });

        Assert.Equal(failing.SafetyViolations, replay.SafetyViolations);
        Assert.Equal(failing.CommittedBlocks, replay.CommittedBlocks);
        Assert.Equal(failing.Ticks, replay.Ticks);
    }
}
