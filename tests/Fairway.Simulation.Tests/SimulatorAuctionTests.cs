using System.Text.Json;
using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// The <c>auction</c> policy on seeded whole-node runs: each namespace sells its express lane every simulated second;
/// seeded bidders seal bids to the threshold key during each epoch for the next, the winner sends priority bundles (some
/// pairs in reverse order, one number held back and sent later), and every host's ordering stage reads each revealed
/// output before ordering the next height. Judged from the outputs: bids counted only in the auction after the epoch
/// that revealed them, bundles first in their namespace in sequence order with no gap, each price rebated exactly.
/// </summary>
public class SimulatorAuctionTests
{
    private static readonly SimulationOptions Auction = new()
    {
        Policy = "auction", Nodes = 4, Rounds = 150, TransactionsPerRound = 3, AuctionEpochMs = 1_000, Seed = 1_300,
    };

    private static string Why(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "";

    private static void AssertAuctionHeld(BatchReport report)
    {
        Assert.True(report.Passed, Why(report));
        Assert.Equal(0, report.ExpressBundlesOutOfOrder);
        Assert.Equal(0, report.PlaintextSeenBeforeCommit);
        Assert.Equal(0, report.Undecrypted);
        Assert.Equal(report.AuctionSettledPriceTotal, report.AuctionRebatesTotal);
        foreach (var r in report.Results)
        {
            Assert.Equal(r.AuctionSettledPriceTotal, r.AuctionRebatesTotal);
            Assert.InRange(r.AuctionRebatesTotal, 1UL, r.AuctionPriceTotal);
        }
    }

    [Fact]
    public void Honest_runs_sell_every_epoch_output_every_bundle_in_order_and_rebate_every_price_exactly()
    {
        var report = SimulationBatch.Run(Auction, seeds: 2);

        AssertAuctionHeld(report);
        foreach (var r in report.Results)
        {
            // About nine simulated seconds: one auction per second in each of the three namespaces.
            Assert.True(r.AuctionEpochs >= 18, $"seed {r.Seed}: only {r.AuctionEpochs} auctions decided");
            Assert.True(r.AuctionWon >= r.AuctionEpochs / 2, $"seed {r.Seed}: {r.AuctionWon} of {r.AuctionEpochs} auctions had a winner");
            Assert.True(r.ExpressBundlesSubmitted > 50, $"seed {r.Seed}: {r.ExpressBundlesSubmitted} bundles sent");

            // The gaps close and the reversed pairs are put right: every bundle sent in time comes out.
            Assert.Equal(r.ExpressBundlesSubmitted, r.ExpressBundlesOutput);

            // The late bid of each epoch is revealed after bidding closed, and not counted.
            Assert.True(r.AuctionBidsLate > 0, $"seed {r.Seed}: no bid came late");
            Assert.True(r.AuctionBidsCounted > r.AuctionBidsSubmitted / 2, $"seed {r.Seed}: {r.AuctionBidsCounted} of {r.AuctionBidsSubmitted} bids counted");
            Assert.Equal(0, r.OutputsMismatched);
        }

        Assert.Equal(report.TransactionsSubmitted, report.TransactionsCommitted - report.TransactionsRepeated + report.TransactionsPending);
    }

    [Theory]
    [InlineData(ByzantineKind.ReorderExpress)]
    [InlineData(ByzantineKind.FrontRunner)]
    [InlineData(ByzantineKind.Censor)]
    public void A_faulty_validator_at_f_can_delay_the_express_lane_but_not_reorder_it_nor_read_a_bid_early(ByzantineKind kind)
    {
        var report = SimulationBatch.Run(Auction with { Byzantine = kind, Faulty = 1, Seed = 1_310 }, seeds: 2);

        AssertAuctionHeld(report);
        Assert.True(report.ExpressBundlesOutput > 0, "no bundle got through");
        Assert.True(report.AuctionWon > 0, "no auction had a winner");
    }

    [Fact]
    public void A_leader_working_against_the_lane_leaves_every_bundle_to_the_honest_lists()
    {
        var report = SimulationBatch.Run(Auction with { Byzantine = ByzantineKind.ReorderExpress, Faulty = 1, Seed = 1_320 }, seeds: 1);

        AssertAuctionHeld(report);
        var r = report.Results[0];

        // Delayed, not dropped: a bundle misses the lane only when the delay carries it past its epoch's end.
        Assert.True(r.ExpressBundlesOutput >= r.ExpressBundlesSubmitted * 9 / 10, $"{r.ExpressBundlesOutput} of {r.ExpressBundlesSubmitted} bundles output");
        Assert.Equal(0, r.FalseCensorshipEvidence);
    }

    [Fact]
    public void Under_loss_partitions_and_crashes_restarted_hosts_rebuild_their_auctions_from_the_stored_outputs()
    {
        var faults = Auction with { Loss = 0.05, PartitionProbability = 0.02, CrashProbability = 0.01, Seed = 1 };
        var report = SimulationBatch.Run(faults, seeds: 3);

        AssertAuctionHeld(report);
        Assert.True(report.Results.Sum(r => r.Crashes) > 0, "no host crashed");
        Assert.True(report.ExpressBundlesOutput > 0, "no bundle got through");
    }

    [Fact]
    public void With_the_L1_inbox_forced_entries_come_first_then_the_records_then_the_bundles()
    {
        // L1 blocks of 330 ms fall anywhere in the 1 s epochs, so some blocks carry entries and bundles of one namespace.
        var report = SimulationBatch.Run(Auction with { InboxPosts = 40, L1BlockMs = 330, L1LagMsMax = 100, Seed = 1 }, seeds: 2);

        AssertAuctionHeld(report);
        Assert.Equal(report.InboxPosted, report.InboxIncluded);
        Assert.Equal(0, report.InboxLate);
        Assert.Equal(report.ExpressBundlesSubmitted, report.ExpressBundlesOutput);
    }

    [Theory]
    [InlineData(AuctionFaultForTesting.ExpressReversedAtFPlusOne, "express lane out of order")]
    [InlineData(AuctionFaultForTesting.ExpressLastAtFPlusOne, "(an express bundle's transaction) comes after a fair-lane transaction")]
    [InlineData(AuctionFaultForTesting.RebateSkimmedAtFPlusOne, "a settlement of epoch")]
    [InlineData(AuctionFaultForTesting.BidsHeldAnEpochAtFPlusOne, "bid counted out of its epoch")]
    public void Negative_control_a_broken_auction_at_f_plus_one_hosts_trips_its_invariant(AuctionFaultForTesting fault, string expected)
    {
        var result = Simulator.Run(Auction with { Rounds = 80, UnsafeAuctionFaultForTesting = fault });

        Assert.True(result.Failed, "a broken auction passed");
        Assert.Contains(result.SafetyViolations, v => v.Contains(expected, StringComparison.Ordinal));
        if (fault == AuctionFaultForTesting.ExpressReversedAtFPlusOne)
        {
            Assert.True(result.ExpressBundlesOutOfOrder > 0, "no bundle counted out of order");
        }
    }

    [Fact]
    public void Negative_control_f_plus_one_colluders_read_sealed_bids_before_commit_and_f_do_not()
    {
        var colluding = Simulator.Run(Auction with { Rounds = 60, EarlyDecryptionColludersForTesting = 2 });
        Assert.True(colluding.Failed, "f+1 colluders opened bids before commit and the run passed");
        Assert.True(colluding.PlaintextSeenBeforeCommit > 0, "the early-decryption check did not fire on bids");

        var atF = Simulator.Run(Auction with { Rounds = 60, EarlyDecryptionColludersForTesting = 1 });
        Assert.False(atF.Failed, string.Join("; ", atF.SafetyViolations.Take(3)));
        Assert.Equal(0, atF.PlaintextSeenBeforeCommit);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report()
    {
        var options = Auction with { Byzantine = ByzantineKind.ReorderExpress, Faulty = 1, Loss = 0.03, Rounds = 60 };
        var first = JsonSerializer.Serialize(Simulator.Run(options));
        var second = JsonSerializer.Serialize(Simulator.Run(options));

        Assert.Equal(first, second);
        Assert.Contains("\"ExpressBundlesOutput\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Auction_options_are_checked()
    {
        Assert.Throws<ArgumentException>(() => (Auction with { AuctionEpochMs = 999 }).Validate());
        Assert.Throws<ArgumentException>(() => (Auction with { Policy = "fair", UnsafeAuctionFaultForTesting = AuctionFaultForTesting.RebateSkimmedAtFPlusOne }).Validate());
        Assert.Throws<ArgumentException>(() => (Auction with { Policy = "fair", Byzantine = ByzantineKind.ReorderExpress, Faulty = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Auction with { BundleFraction = 0.1 }).Validate());
        (Auction with { Byzantine = ByzantineKind.ReorderExpress, Faulty = 1 }).Validate();
    }
}
