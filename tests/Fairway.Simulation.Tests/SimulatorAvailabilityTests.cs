using Fairway.Consensus.Engine;
using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// A leader that proposes batches it never sends must not get them committed, and must not stall the chain or the
/// certification of its output.
/// </summary>
public class SimulatorAvailabilityTests
{
    private static readonly SimulationOptions Faults = Scenarios.Faults with { Byzantine = ByzantineKind.WithholdBatches, Faulty = 1 };

    [Fact]
    public void A_batch_withholding_leader_at_f_breaks_nothing_over_two_hundred_seeds()
    {
        // 150 rounds, not the scenario's 300: each seed now also orders and certifies every height, which doubles its
        // cost, and 200 seeds is where the coverage is.
        var report = SimulationBatch.Run(Faults with { Seed = 1, Rounds = 150 }, seeds: 200);

        Assert.True(report.Passed, $"failing seeds: {string.Join(",", report.FailingSeeds)}");
        Assert.Equal(0, report.SafetyViolations);
        Assert.Equal(0, report.LivenessFailures);
        Assert.Equal(0, report.OutputsMismatched);
        Assert.All(report.Results, r => Assert.True(r.OutputsCertified > 0 && r.TransactionsCommitted > 0, $"seed {r.Seed} certified nothing"));
    }

    [Fact]
    public void Negative_control_with_availability_before_vote_switched_off_the_withheld_batches_get_committed()
    {
        var report = SimulationBatch.Run(
            Faults with { Seed = 1, Consensus = new ConsensusConfig { AvailabilityBeforeVote = false } },
            seeds: 20);

        Assert.NotEmpty(report.FailingSeeds);
        Assert.Contains(report.Results, r => r.SafetyViolations.Any(v => v.StartsWith("availability broken", StringComparison.Ordinal)));
    }
}
