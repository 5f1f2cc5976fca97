using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// Epochs on seeded whole-node runs: a simulated stake table changes the stakes three times per run, honest and faulty
/// alike, through loss, partitions and crashes. Every honest host ends each epoch at the same block, commits only the
/// stake table's changes, and goes on with the new set; a leader that proposes a change giving itself more stake gets
/// no votes. With voters that accept any change (a test-only hole), that grab is committed and the invariant fires.
/// </summary>
public class SimulatorEpochTests
{
    private static readonly SimulationOptions Epochs = Scenarios.Faults with { Rounds = 240, EpochChanges = 3, Seed = 1_300 };

    private static string Why(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "";

    [Theory]
    [InlineData(ByzantineKind.None, 0)]
    [InlineData(ByzantineKind.Twins, 1)]
    [InlineData(ByzantineKind.EquivocatingLeader, 1)]
    [InlineData(ByzantineKind.StakeGrab, 1)]
    public void Every_honest_validator_switches_sets_at_the_same_blocks_and_keeps_agreeing(ByzantineKind kind, int faulty)
    {
        var report = SimulationBatch.Run(Epochs with { Byzantine = kind, Faulty = faulty }, seeds: 6);

        Assert.True(report.Passed, Why(report));
        Assert.Equal(0, report.DoubleSigns);
        // Every running honest host went through every planned change, in every seed.
        Assert.Equal(3, report.EpochsReachedMin);
    }

    [Fact]
    public void A_stake_grab_that_voters_do_not_check_is_committed_and_caught()
    {
        var report = SimulationBatch.Run(
            Epochs with { Byzantine = ByzantineKind.StakeGrab, Faulty = 1, UnsafeAcceptAnyEpochChangeForTesting = true, Loss = 0, PartitionProbability = 0, CrashProbability = 0 },
            seeds: 4);

        Assert.False(report.Passed);
        Assert.Contains(report.Results.SelectMany(r => r.SafetyViolations), v => v.Contains("the stake table never had", StringComparison.Ordinal));
    }

    [Fact]
    public void Stake_grab_and_epoch_changes_are_refused_where_they_cannot_run()
    {
        Assert.Throws<ArgumentException>(() => (Scenarios.Faults with { Byzantine = ByzantineKind.StakeGrab, Faulty = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Scenarios.Faults with { EpochChanges = 2, Policy = "fair" }).Validate());
        Assert.Throws<ArgumentException>(() => (Scenarios.Faults with { EpochChanges = 101 }).Validate());
    }
}
