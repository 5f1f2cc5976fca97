using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// The front-running adversary against <c>fcfs</c>: the leader's batch order decides, so a faulty
/// leader that proposes its own batch ahead of its victim's wins. This is the attack the <c>fair</c> policy must defeat,
/// shown to be real (the negative control of SimulatorFairPolicyTests).
/// </summary>
public class SimulatorFrontRunTests
{
    private static readonly SimulationOptions FrontRunner = new()
    {
        Nodes = 4, Rounds = 100, TransactionsPerRound = 8, Byzantine = ByzantineKind.FrontRunner, Faulty = 1, Seed = 500,
    };

    [Fact]
    public void Under_fcfs_a_front_running_leader_at_f_gets_ahead_of_its_victims_in_most_tries()
    {
        var report = SimulationBatch.Run(FrontRunner, seeds: 10);

        Assert.True(report.Passed, report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "");
        Assert.True(report.FrontRunsTried >= 20, $"only {report.FrontRunsTried} front-runs tried");
        Assert.True(2 * report.FrontRunsSucceeded > report.FrontRunsTried, $"{report.FrontRunsSucceeded} of {report.FrontRunsTried} front-runs succeeded");
    }

    [Fact]
    public void Without_a_front_runner_nothing_is_tried_and_the_counts_replay_exactly()
    {
        var honest = SimulationBatch.Run(FrontRunner with { Byzantine = ByzantineKind.None, Faulty = 0 }, seeds: 3);
        Assert.Equal(0, honest.FrontRunsTried);
        Assert.Equal(0, honest.FrontRunsSucceeded);

        var a = Simulator.Run(FrontRunner);
        var b = Simulator.Run(FrontRunner);
        Assert.Equal((a.FrontRunsTried, a.FrontRunsSucceeded, a.FairnessViolations), (b.FrontRunsTried, b.FrontRunsSucceeded, b.FairnessViolations));
    }
}
