using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// The output checks must fire when the pipeline is broken on purpose (test-only switches that break f+1 honest hosts,
/// the fewest that can certify on their own).
/// </summary>
public class SimulatorOutputCanFailTests
{
    private static readonly SimulationOptions Small = new() { Nodes = 4, Rounds = 40, TransactionsPerRound = 12, Seed = 1 };

    [Fact]
    public void Two_honest_groups_ordering_differently_certify_different_outputs_and_outputs_mismatched_counts_them()
    {
        var report = SimulationBatch.Run(Small with { UnsafeOutputFaultForTesting = OutputFaultForTesting.ReversedOrderAtFPlusOne }, seeds: 4);

        Assert.True(report.OutputsMismatched > 0);
        Assert.Equal(4, report.FailingSeeds.Count);
        Assert.Contains(report.Results, r => r.SafetyViolations.Any(v => v.StartsWith("outputs mismatched", StringComparison.Ordinal)));
        Assert.Contains(report.Results, r => r.SafetyViolations.Any(v => v.StartsWith("output evidence against honest validator", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_output_with_a_transaction_nobody_submitted_is_caught()
    {
        var report = SimulationBatch.Run(Small with { UnsafeOutputFaultForTesting = OutputFaultForTesting.InventedTransactionAtFPlusOne }, seeds: 2);

        Assert.All(report.Results, r => Assert.Contains(r.SafetyViolations, v => v.StartsWith("invented transaction", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_output_holding_one_transaction_twice_is_caught()
    {
        var report = SimulationBatch.Run(Small with { UnsafeOutputFaultForTesting = OutputFaultForTesting.DuplicatedTransactionAtFPlusOne }, seeds: 2);

        Assert.All(report.Results, r => Assert.Contains(r.SafetyViolations, v => v.StartsWith("duplicate transaction", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_transaction_output_again_at_a_later_height_is_caught()
    {
        var report = SimulationBatch.Run(Small with { UnsafeOutputFaultForTesting = OutputFaultForTesting.RepeatedFromEarlierHeightAtFPlusOne }, seeds: 2);

        Assert.All(report.Results, r => Assert.Contains(r.SafetyViolations, v => v.StartsWith("duplicate transaction", StringComparison.Ordinal) && v.Contains("and again at height", StringComparison.Ordinal)));
    }

    [Fact]
    public void Certification_that_never_happens_is_a_liveness_failure()
    {
        var report = SimulationBatch.Run(Small with { UnsafeOutputFaultForTesting = OutputFaultForTesting.OutputVotesLost, LivenessTicksMax = 2_000 }, seeds: 2);

        Assert.Equal(2, report.LivenessFailures);
        Assert.Equal(0, report.OutputsCertified);
        Assert.Equal(0, report.SafetyViolations);
    }

    [Fact]
    public void A_seed_that_broke_an_output_check_replays_to_the_same_failure()
    {
        var options = Scenarios.Faults with { Rounds = 60, Seed = 1, UnsafeOutputFaultForTesting = OutputFaultForTesting.ReversedOrderAtFPlusOne };
        var failing = SimulationBatch.Run(options, seeds: 3).Results.First(r => r.Failed);

        var replay = Simulator.Run(options with { Seed = failing.Seed });

        Assert.Equal(failing.SafetyViolations, replay.SafetyViolations);
        Assert.Equal(failing.OutputsMismatched, replay.OutputsMismatched);
        Assert.Equal(failing.Ticks, replay.Ticks);
    }
}
