using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// The <c>fair</c> policy against the front-running adversary, on the same seeded whole-node runs as <c>fcfs</c>: at f the
/// colluders' lying lists, chosen lists and withheld lists win nothing, and with more than f the check fires.
/// </summary>
public class SimulatorFairPolicyTests
{
    private static readonly SimulationOptions Fair = Scenarios.Faults with
    {
        Policy = "fair", Rounds = 150, TransactionsPerRound = 8, Byzantine = ByzantineKind.FrontRunner, Faulty = 1, Seed = 700,
        Loss = 0.02,
    };

    private static string Why(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "";

    [Fact]
    public void Under_fair_a_front_runner_at_f_gets_ahead_of_no_victim_and_receive_order_holds_through_loss_partitions_and_crashes()
    {
        var report = SimulationBatch.Run(Fair, seeds: 12);

        Assert.True(report.Passed, Why(report));
        Assert.True(report.FrontRunsTried >= 100, $"only {report.FrontRunsTried} front-runs tried");
        Assert.Equal(0, report.FrontRunsSucceeded);
        Assert.Equal(0, report.FairnessViolations);
        Assert.True(report.TransactionsCommitted > report.TransactionsSubmitted * 9 / 10, $"{report.TransactionsCommitted} of {report.TransactionsSubmitted} certified");
    }

    [Fact]
    public void Under_fair_honest_validators_with_skewed_clocks_keep_receive_order()
    {
        var report = SimulationBatch.Run(Fair with { Byzantine = ByzantineKind.None, Faulty = 0, ClockSkewMs = 100 }, seeds: 8);

        Assert.True(report.Passed, Why(report));
        Assert.Equal(0, report.FairnessViolations);
        Assert.DoesNotContain(report.FairRefusals, r => r.Key is "bad signature" or "conflicting list" or "clock out of bounds");
    }

    [Fact]
    public void With_more_than_f_colluders_the_fair_policy_no_longer_protects_and_the_check_shows_it()
    {
        // Two of four validators collude: beyond what any BFT protocol tolerates, so liveness may fail too; only the
        // front-run count is asserted.
        var report = SimulationBatch.Run(Fair with { Faulty = 2, Loss = 0, PartitionProbability = 0, CrashProbability = 0, Rounds = 100 }, seeds: 6);

        Assert.True(report.FrontRunsSucceeded > 0, $"{report.FrontRunsSucceeded} of {report.FrontRunsTried} front-runs succeeded");
    }

    [Fact]
    public void Under_fair_a_censor_at_f_keeps_no_victim_transaction_out_and_more_than_f_censors_do()
    {
        // No other faults: a crash or partition that takes an honest holder away adds a second fault to the censor's.
        var censor = Fair with { Byzantine = ByzantineKind.Censor, Loss = 0, PartitionProbability = 0, CrashProbability = 0, Rounds = 100 };
        var atF = SimulationBatch.Run(censor, seeds: 8);
        Assert.True(atF.Passed, Why(atF));
        Assert.Equal(0, atF.Censored);
        Assert.True(atF.FairRefusals.GetValueOrDefault("an included transaction has no payload in the block") > 0, "the censor's leaders never tried to leave a payload out");

        // Two of four censor: their lists and an honest one make a quorum in which victims have too little stake.
        var beyond = SimulationBatch.Run(censor with { Faulty = 2 }, seeds: 4);
        Assert.True(beyond.Censored > 0, $"{beyond.Censored} censored");
    }

    [Fact]
    public void Reported_receipts_turn_a_censor_into_evidence_never_accuse_an_honest_validator_and_the_check_fires_without_the_grace()
    {
        // Every receipt is reported to every honest host (the worst case for false accusations), under loss, partitions,
        // crashes and, for the honest run, skewed clocks.
        var censor = SimulationBatch.Run(Fair with { Byzantine = ByzantineKind.Censor, Rounds = 100 }, seeds: 6);
        Assert.True(censor.Passed, Why(censor));
        Assert.True(censor.CensorshipEvidence > 0, "no evidence against the censor");
        Assert.Equal(0, censor.FalseCensorshipEvidence);

        var honest = SimulationBatch.Run(Fair with { Byzantine = ByzantineKind.None, Faulty = 0, ClockSkewMs = 100, Rounds = 100 }, seeds: 6);
        Assert.Equal(0, honest.CensorshipEvidence);
        Assert.Equal(0, honest.FalseCensorshipEvidence);

        // Negative control: with no grace after the receipt, a list an honest validator made before the fair delay passed
        // leaves the transaction out, and the check calls it censorship.
        var careless = SimulationBatch.Run(Fair with { Byzantine = ByzantineKind.None, Faulty = 0, Rounds = 60, CensorshipGraceMsForTesting = 0 }, seeds: 2);
        Assert.True(careless.FalseCensorshipEvidence > 0, "the false-accusation check did not fire");
    }
}
