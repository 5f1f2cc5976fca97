using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// The pipeline after consensus: every host orders committed blocks with the ordering stage and certifies the output
/// with f+1 signatures. Honest hosts must certify one output per height, holding exactly the submitted transactions.
/// </summary>
public class SimulatorOutputTests
{
    private static string FirstFailure(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f
            ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}"
            : "";

    [Fact]
    public void A_wrong_output_signer_at_f_is_caught_and_its_header_never_certified()
    {
        var options = Scenarios.Faults with { Byzantine = ByzantineKind.WrongOutput, Faulty = 1, Rounds = 100, Seed = 1 };

        var report = SimulationBatch.Run(options, seeds: 100);

        Assert.True(report.Passed, FirstFailure(report));
        Assert.Equal(0, report.OutputsMismatched);
        Assert.True(report.OutputEvidence > 0, "honest hosts must report the wrong votes as evidence");
        Assert.All(report.Results, r => Assert.True(r.OutputsCertified > 0, $"seed {r.Seed} certified nothing"));
    }

    [Fact]
    public void Even_f_plus_one_wrong_output_signers_cannot_get_their_header_certified_by_an_honest_host()
    {
        // Two of four sign the same wrong header: enough signatures for a certificate, but an honest host only
        // certifies the header it computed itself, so the two honest hosts still certify the true output together.
        var options = new SimulationOptions { Nodes = 4, Rounds = 80, Byzantine = ByzantineKind.WrongOutput, Faulty = 2, Seed = 300 };

        var report = SimulationBatch.Run(options, seeds: 10);

        Assert.True(report.Passed, FirstFailure(report));
        Assert.Equal(0, report.OutputsMismatched);
        Assert.True(report.OutputEvidence > 0);
        Assert.All(report.Results, r => Assert.Equal(r.TransactionsSubmitted, r.TransactionsCommitted));
    }

    [Fact]
    public void Without_faults_every_submitted_transaction_is_certified_exactly_once()
    {
        var options = new SimulationOptions { Nodes = 4, Rounds = 100, TransactionsPerRound = 10, Seed = 40 };

        var report = SimulationBatch.Run(options, seeds: 5);

        Assert.True(report.Passed, FirstFailure(report));
        Assert.All(report.Results, r =>
        {
            Assert.Equal(options.Rounds * options.TransactionsPerRound, r.TransactionsSubmitted);
            Assert.Equal(r.TransactionsSubmitted, r.TransactionsCommitted);
            Assert.Equal(0, r.TransactionsPending);
            Assert.Equal(0, r.TransactionsRepeated);
        });
    }

    [Fact]
    public void Under_faults_what_is_certified_is_what_was_submitted_less_what_is_pending()
    {
        var options = Scenarios.Faults with { Rounds = 150, TransactionsPerRound = 8, Seed = 500 };

        var report = SimulationBatch.Run(options, seeds: 20);

        Assert.True(report.Passed, FirstFailure(report));
        Assert.True(report.TransactionsCommitted > 0);
        Assert.All(report.Results, r =>
        {
            Assert.Equal(r.TransactionsSubmitted, r.TransactionsCommitted - r.TransactionsRepeated + r.TransactionsPending);
            Assert.InRange(r.TransactionsLost, 0, r.TransactionsPending);
        });

        // Crashes drop pools and partitions hold proposals back, but most transactions make it through.
        Assert.True(report.TransactionsCommitted >= 0.9 * report.TransactionsSubmitted, $"{report.TransactionsCommitted} of {report.TransactionsSubmitted}");
    }

    [Fact]
    public void Lost_output_votes_are_made_up_by_re_sends_and_without_them_certification_stalls()
    {
        var options = Scenarios.Faults with { Rounds = 100, Seed = 900 };

        var resent = SimulationBatch.Run(options, seeds: 10);
        var notResent = SimulationBatch.Run(options with { OutputVoteResendTicks = int.MaxValue, LivenessTicksMax = 3_000 }, seeds: 10);

        Assert.True(resent.Passed, FirstFailure(resent));
        Assert.True(notResent.LivenessFailures > 0, "with loss and crashes, some height must miss its votes for good");
        Assert.Contains(notResent.Results, r => r.LivenessFailure?.Contains("certified", StringComparison.Ordinal) == true);
        Assert.Equal(0, notResent.SafetyViolations);
    }

    [Fact]
    public void Clock_skew_stays_safe_and_live_and_shows_only_in_block_timestamps()
    {
        var options = Scenarios.Faults with { Rounds = 100, Seed = 700 };

        var skewed = SimulationBatch.Run(options with { ClockSkewMs = 2_000 }, seeds: 20);
        var exact = SimulationBatch.Run(options, seeds: 20);

        Assert.True(skewed.Passed, FirstFailure(skewed));
        Assert.Equal(0, skewed.OutputsMismatched);
        Assert.True(skewed.BlockTimestampRegressions > 0, "leaders whose clocks disagree must stamp some block earlier than its parent");
        Assert.Equal(0, exact.BlockTimestampRegressions);

        // Neither consensus nor the fcfs policy reads wall-clock time: the same seeds run the same, tick for tick.
        Assert.Equal(exact.Results.Select(r => r.Ticks), skewed.Results.Select(r => r.Ticks));
        Assert.Equal(exact.TransactionsCommitted, skewed.TransactionsCommitted);
        Assert.Equal(exact.CommitLatencyP99Ms, skewed.CommitLatencyP99Ms);
    }

    [Fact]
    public void The_same_seed_gives_the_same_outputs()
    {
        var options = Scenarios.Faults with { Rounds = 100, Seed = 77, Byzantine = ByzantineKind.WrongOutput, Faulty = 1, ClockSkewMs = 500 };

        var a = Simulator.Run(options);
        var b = Simulator.Run(options);

        Assert.Equal(a.Ticks, b.Ticks);
        Assert.Equal(a.TransactionsCommitted, b.TransactionsCommitted);
        Assert.Equal(a.OutputsCertified, b.OutputsCertified);
        Assert.Equal(a.OutputEvidence, b.OutputEvidence);
        Assert.Equal(a.BlockTimestampRegressions, b.BlockTimestampRegressions);
    }
}
