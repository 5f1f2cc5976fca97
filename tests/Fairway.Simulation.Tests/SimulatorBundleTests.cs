using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// Atomic bundles on seeded whole-node runs: with a third of the submissions bundles of 2 to 4 legs over three
/// namespaces, every honest output holds each bundle whole (each namespace's legs contiguous, in order) or none of it,
/// under fcfs and fair, through loss, partitions and crashes, and with Byzantine leaders. A pipeline that splits bundles
/// on purpose is caught.
/// </summary>
public class SimulatorBundleTests
{
    private static readonly SimulationOptions Bundles = Scenarios.Faults with { Rounds = 120, TransactionsPerRound = 6, BundleFraction = 0.35, Seed = 900 };

    private static string Why(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "";

    private static void AssertBundlesLandWhole(BatchReport report)
    {
        Assert.True(report.Passed, Why(report));
        Assert.True(report.BundlesSubmitted >= 50, $"only {report.BundlesSubmitted} bundles submitted");
        Assert.True(report.BundlesOutput > report.BundlesSubmitted * 8 / 10, $"{report.BundlesOutput} of {report.BundlesSubmitted} bundles output");
    }

    [Theory]
    [InlineData("fcfs")]
    [InlineData("fair")]
    public void Bundles_land_whole_and_contiguous_or_not_at_all_through_loss_partitions_and_crashes(string policy)
    {
        AssertBundlesLandWhole(SimulationBatch.Run(Bundles with { Policy = policy }, seeds: 4));
    }

    [Theory]
    [InlineData("fcfs", ByzantineKind.EquivocatingLeader)]
    [InlineData("fcfs", ByzantineKind.FrontRunner)]
    [InlineData("fair", ByzantineKind.FrontRunner)]
    [InlineData("fair", ByzantineKind.Censor)]
    public void Bundles_stay_whole_with_a_byzantine_validator(string policy, ByzantineKind kind)
    {
        var report = SimulationBatch.Run(Bundles with { Policy = policy, Byzantine = kind, Faulty = 1 }, seeds: 3);

        AssertBundlesLandWhole(report);
        if (policy == "fair")
        {
            Assert.Equal(0, report.FrontRunsSucceeded);
        }
    }

    [Fact]
    public void A_pipeline_that_splits_bundles_is_caught_and_runs_without_bundles_are_unchanged()
    {
        var split = SimulationBatch.Run(Bundles with { Loss = 0, PartitionProbability = 0, CrashProbability = 0, Rounds = 40, UnsafeOutputFaultForTesting = OutputFaultForTesting.SplitBundleAtFPlusOne }, seeds: 2);
        Assert.All(split.Results, r => Assert.Contains(r.SafetyViolations, v => v.StartsWith("split bundle", StringComparison.Ordinal)));

        Assert.Throws<ArgumentException>(() => (Bundles with { Policy = "encrypted" }).Validate());
        var without = SimulationBatch.Run(Bundles with { BundleFraction = 0, Rounds = 40 }, seeds: 1);
        Assert.Equal(0, without.BundlesSubmitted);
    }
}
