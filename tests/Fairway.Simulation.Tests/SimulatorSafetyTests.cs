using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// With at most f faulty validators, every Byzantine kind, with message loss, partitions and crashes all on, must leave
/// every invariant intact across hundreds of seeds.
/// </summary>
public class SimulatorSafetyTests
{
    public static TheoryData<string, int> Kinds => new()
    {
        { "none", 0 },
        { "silent", 1 },
        { "delay", 1 },
        { "equivocating-leader", 1 },
        { "twins", 1 },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void At_most_f_faulty_validators_never_break_safety_or_liveness(string kind, int faulty)
    {
        Assert.True(ByzantineKindNames.TryParse(kind, out var byzantine));
        var options = new SimulationOptions
        {
            Nodes = 4,
            Seed = 1,
            Rounds = 300,
            Byzantine = byzantine,
            Faulty = faulty,
            Loss = 0.05,
            PartitionProbability = 0.02,
            CrashProbability = 0.01,
        };

        var report = SimulationBatch.Run(options, seeds: 200);

        var firstFailure = report.Results.FirstOrDefault(r => r.Failed);
        Assert.True(
            report.Passed,
            firstFailure is null ? "" : $"seed {firstFailure.Seed}: {string.Join("; ", firstFailure.SafetyViolations.Concat(firstFailure.DoubleSignReports))} {firstFailure.LivenessFailure}");
        Assert.Equal(0, report.SafetyViolations);
        Assert.Equal(0, report.LivenessFailures);
        Assert.Equal(0, report.DoubleSigns);
        Assert.Equal(200, report.SeedsRun);
        Assert.True(report.CommittedBlocksMin > 0, "every honest node committed something");
        Assert.True(report.Results.Sum(r => r.Crashes) > 0 && report.Results.Sum(r => r.Partitions) > 0, "faults were injected");
        if (byzantine is ByzantineKind.Twins or ByzantineKind.EquivocatingLeader)
        {
            Assert.True(report.EvidenceDetected > 0, "equivocation by the faulty key must be detected and proven");
        }
    }

    [Fact]
    public void Seven_validators_tolerate_two_twins()
    {
        var options = new SimulationOptions
        {
            Nodes = 7, Seed = 1000, Rounds = 150, Byzantine = ByzantineKind.Twins, Faulty = 2,
            Loss = 0.05, PartitionProbability = 0.02, CrashProbability = 0.01,
        };

        var report = SimulationBatch.Run(options, seeds: 40);

        Assert.True(report.Passed, $"failing seeds: {string.Join(",", report.FailingSeeds)}");
        Assert.True(report.EvidenceDetected > 0);
    }

    [Fact]
    public void Real_ed25519_signatures_give_the_same_guarantees()
    {
        var options = new SimulationOptions
        {
            Nodes = 4, Seed = 5000, Rounds = 60, Byzantine = ByzantineKind.Twins, Faulty = 1,
            Loss = 0.05, PartitionProbability = 0.02, CrashProbability = 0.01, RealCrypto = true,
        };

        var report = SimulationBatch.Run(options, seeds: 4);

        Assert.True(report.Passed, $"failing seeds: {string.Join(",", report.FailingSeeds)}");
        Assert.True(report.CommittedBlocksMin > 0);
    }

    [Fact]
    public void Frequent_crashes_never_make_an_honest_node_sign_twice()
    {
        var options = new SimulationOptions
        {
            Nodes = 4, Seed = 7000, Rounds = 200, CrashProbability = 0.08, DowntimeTicksMax = 60, Loss = 0.02,
        };

        var report = SimulationBatch.Run(options, seeds: 50);

        Assert.True(report.Results.Sum(r => r.Crashes) > 200, "the scenario must actually crash nodes a lot");
        Assert.Equal(0, report.DoubleSigns);
        Assert.True(report.Passed, $"failing seeds: {string.Join(",", report.FailingSeeds)}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        var options = new SimulationOptions
        {
            Seed = 42, Rounds = 150, Byzantine = ByzantineKind.EquivocatingLeader, Faulty = 1,
            Loss = 0.05, PartitionProbability = 0.02, CrashProbability = 0.01,
        };

        var a = Simulator.Run(options);
        var b = Simulator.Run(options);

        Assert.Equal(a.Ticks, b.Ticks);
        Assert.Equal(a.CommittedBlocks, b.CommittedBlocks);
        Assert.Equal(a.MessagesDelivered, b.MessagesDelivered);
        Assert.Equal(a.EvidenceDetected, b.EvidenceDetected);
        Assert.NotEqual(a.Ticks, Simulator.Run(options with { Seed = 43 }).Ticks);
    }
}
