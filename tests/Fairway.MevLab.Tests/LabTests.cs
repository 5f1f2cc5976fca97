using System.Text.Json.Nodes;

namespace Fairway.MevLab.Tests;

/// <summary>The MEV lab on a short seeded run: what each sequencer lets the adversary take, and that the figures replay.</summary>
public sealed class LabTests
{
    private static readonly LabOptions Short = new() { Seed = 1, Minutes = 0.5, Traders = 50 };

    private static readonly Lazy<IReadOnlyList<SequencerResult>> Results = new(() => Lab.Run(Short));

    private static SequencerResult Of(string name) => Results.Value.Single(r => r.Name == name);

    [Fact]
    public void Fair_and_encrypted_let_the_adversary_extract_less_than_fcfs_and_the_centralized_operator()
    {
        foreach (var sheltered in (string[])["fair", "encrypted"])
        {
            foreach (var exposed in (string[])["fcfs", "centralized"])
            {
                Assert.True(Of(sheltered).Extracted < Of(exposed).Extracted, $"{sheltered} extracted {Of(sheltered).Extracted}, {exposed} {Of(exposed).Extracted}");
                Assert.True(Of(sheltered).UserLoss < Of(exposed).UserLoss, $"{sheltered} cost users {Of(sheltered).UserLoss}, {exposed} {Of(exposed).UserLoss}");
                Assert.True(Of(sheltered).RiskPremiumBps < Of(exposed).RiskPremiumBps);
            }

            // Net of what failed attempts cost, only the operator profits for sure: a faulty fcfs validator that leads a
            // quarter of the rounds may lose more on misplaced legs than its closed sandwiches bring.
            Assert.True(Of(sheltered).AdversaryProfit < Of("centralized").AdversaryProfit);
        }
    }

    [Fact]
    public void The_centralized_operator_closes_most_sandwiches_it_tries_and_the_fair_adversary_none()
    {
        var centralized = Of("centralized");
        Assert.True(centralized.AttacksTried > 20, $"tried {centralized.AttacksTried}");
        Assert.True(centralized.AttacksSucceeded * 10 > centralized.AttacksTried * 9, $"closed {centralized.AttacksSucceeded} of {centralized.AttacksTried}");
        Assert.True(centralized.UserLoss > 0);

        // The fair adversary reads the swaps and tries, but its transactions rank behind what every validator saw first.
        var fair = Of("fair");
        Assert.True(fair.AttacksTried > 0);
        Assert.Equal(0, fair.AttacksSucceeded);
        Assert.Equal(0, fair.UserLoss);

        // Sealed swaps give the encrypted adversary nothing to read.
        Assert.Equal(0, Of("encrypted").AttacksTried);
    }

    [Fact]
    public void Under_auction_the_adversary_pays_for_its_lanes_and_the_price_comes_back_to_the_users()
    {
        var auction = Of("auction");

        // One auction per two simulated seconds in the AMM's namespace; the adversary buys some lanes and sandwiches from them.
        Assert.InRange(auction.AuctionEpochs, 14, 17);
        Assert.True(auction.AuctionLanesWon > 0, "the adversary never won a lane");
        Assert.True(auction.AttacksTried > 0, "the adversary never used a lane");
        Assert.True(auction.AuctionPricePaid > 0);
        Assert.True(auction.AuctionPricesTotal >= auction.AuctionPricePaid);

        // What was settled came back to the epochs' users, the adversary's own swap accounts among them; never more than was paid.
        Assert.True(auction.RebatesToUsers > 0, "no rebate reached a trader");
        Assert.True(auction.RebatesToUsers + auction.RebatesToAdversary <= auction.AuctionPricesTotal);
        Assert.Equal(auction.UserLoss - auction.RebatesToUsers, auction.UserNetLoss);
        Assert.Equal(auction.AdversaryProfit - auction.AuctionPricePaid + auction.RebatesToAdversary, auction.AdversaryProfitNetOfAuction);

        // Priority sold in the open costs users far less than an operator that orders for itself, and the lane, paid for,
        // did not pay the adversary back.
        Assert.True(auction.UserNetLoss < Of("centralized").UserLoss / 10, $"auction users lost {auction.UserNetLoss} net, centralized {Of("centralized").UserLoss}");
        Assert.True(auction.AdversaryProfitNetOfAuction < Of("centralized").AdversaryProfit);

        // Other sequencers sell nothing and rebate nothing: their net figures are their plain ones.
        foreach (var other in Results.Value.Where(r => r.Name != "auction"))
        {
            Assert.Equal(0, other.AuctionEpochs);
            Assert.Equal(other.UserLoss, other.UserNetLoss);
            Assert.Equal(other.AdversaryProfit, other.AdversaryProfitNetOfAuction);
        }
    }

    [Fact]
    public void The_report_shows_the_auction_figures_beside_the_other_sequencers()
    {
        var json = LabReport.Json(Short, Results.Value);
        var auction = json["sequencers"]!.AsArray().Single(s => (string?)s!["name"] == "auction")!;
        foreach (var field in (string[])["auction_epochs", "auction_lanes_won", "auction_price_paid", "rebates_to_users", "rebates_to_adversary", "adversary_profit_net_of_auction", "user_net_loss"])
        {
            Assert.NotNull(auction[field]);
        }

        var fcfs = json["sequencers"]!.AsArray().Single(s => (string?)s!["name"] == "fcfs")!;
        Assert.Equal(0, (double)fcfs["rebates_to_users"]!);
        var table = LabReport.Markdown(Short, Results.Value);
        Assert.Contains("| auction |", table, StringComparison.Ordinal);
        Assert.Contains("users' rebates", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_sequencer_includes_the_traders_orders()
    {
        foreach (var result in Results.Value)
        {
            Assert.True(result.Orders > 100, $"{result.Name}: {result.Orders} orders");
            Assert.True(result.OrdersIncluded >= result.Orders - 5, $"{result.Name}: {result.OrdersIncluded} of {result.Orders} included");
            Assert.True(result.UserDelayP50Ms > 0);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_report()
    {
        var options = Short with { Minutes = 0.2, Sequencers = ["fcfs"] };
        var first = LabReport.Json(options, Lab.Run(options)).ToJsonString();
        var second = LabReport.Json(options, Lab.Run(options)).ToJsonString();

        Assert.Equal(first, second);
        var sequencer = JsonNode.Parse(first)!["sequencers"]![0]!;
        foreach (var field in (string[])["name", "adversary_profit", "user_loss", "attacks_tried", "attacks_succeeded", "liquidations_sniped", "victim_delay_p50_ms", "risk_premium_bps"])
        {
            Assert.NotNull(sequencer[field]);
        }
    }

    [Theory]
    [InlineData(0, 50, 1.0, "--seeds")]
    [InlineData(1, 0, 1.0, "--traders")]
    [InlineData(1, 50, 0.0, "--minutes")]
    [InlineData(1, 50, 61.0, "--minutes")]
    public void Options_out_of_bounds_are_refused(int seeds, int traders, double minutes, string flag)
    {
        var e = Assert.Throws<ArgumentException>(() => new LabOptions { Seeds = seeds, Traders = traders, Minutes = minutes }.Validate());
        Assert.Contains(flag, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_or_repeated_sequencers_are_refused()
    {
        Assert.Contains("unknown", Assert.Throws<ArgumentException>(() => new LabOptions { Sequencers = ["bogus"] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new LabOptions { Sequencers = ["fair", "fair"] }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_are_written_as_png_and_svg()
    {
        var directory = Directory.CreateTempSubdirectory("fairway-lab-charts-").FullName;
        try
        {
            var files = LabCharts.Write(directory, Results.Value);

            Assert.Equal(10, files.Count);
            foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
            {
                Assert.Equal((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
            }

            foreach (var svg in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)))
            {
                Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
