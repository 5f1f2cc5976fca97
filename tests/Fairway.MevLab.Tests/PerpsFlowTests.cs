using Fairway.Core.Chain;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Perps;

namespace Fairway.MevLab.Tests;

/// <summary>
/// Liquidation sniping: the perps flow's adversary takes a competitor's liquidation only by ordering itself ahead of it,
/// so a sequencer that lets it reorder pays it and one that does not (fair, encrypted) pays it nothing.
/// </summary>
public sealed class PerpsFlowTests
{
    /// <summary>A seed whose price path drops far enough in a short run to liquidate (most short runs see no jump).</summary>
    private const ulong Seed = 2;

    [Fact]
    public void Centralized_snipes_liquidations_and_fair_and_encrypted_snipe_none()
    {
        var results = Lab.Run(new LabOptions { Seed = Seed, Minutes = 0.2, Traders = 20, Sequencers = ["centralized", "fair", "encrypted"] })
            .ToDictionary(r => r.Name);

        var centralized = results["centralized"];
        Assert.True(centralized.LiquidationsSniped > 0, $"centralized sniped {centralized.LiquidationsSniped} of {centralized.Liquidations}");
        Assert.True(centralized.LiquidationBonusAdversary > 0);
        Assert.True(centralized.LiquidationBonusHonestRun > centralized.LiquidationBonusOthers, "sniping must cost the honest liquidators");

        foreach (var name in new[] { "fair", "encrypted" })
        {
            var r = results[name];
            Assert.True(r.Liquidations > 0, $"{name}: no liquidation at all, so the test shows nothing");
            Assert.Equal(0, r.LiquidationsSniped);
            Assert.Equal(0, r.LiquidationBonusAdversary);
            Assert.True(r.LiquidationBonusOthers > 0);
        }

        // Under encrypted the competitor's liquidation is a ciphertext: the adversary cannot even try.
        Assert.Equal(0, results["encrypted"].LiquidationSnipesTried);
    }

    [Fact]
    public void The_same_seed_gives_the_same_liquidation_figures()
    {
        var options = new LabOptions { Seed = Seed, Minutes = 0.2, Traders = 10, Sequencers = ["centralized"] };
        var first = Lab.Run(options).Single();
        var second = Lab.Run(options).Single();

        Assert.True(first.Liquidations > 0);
        Assert.Equal(
            (first.LiquidationsSniped, first.LiquidationSnipesTried, first.Liquidations, first.LiquidationBonusAdversary, first.LiquidationBonusOthers, first.LiquidationBonusHonestRun),
            (second.LiquidationsSniped, second.LiquidationSnipesTried, second.Liquidations, second.LiquidationBonusAdversary, second.LiquidationBonusOthers, second.LiquidationBonusHonestRun));
    }

    [Fact]
    public void A_snipe_placed_ahead_of_the_competitor_takes_its_liquidation_and_its_bonus()
    {
        var (ahead, submitted, competitor) = UpToFirstLiquidation(adversarial: true);
        var attack = ahead.React(competitor, 0, leads: true);

        Assert.NotNull(attack);
        var snipe = Assert.Single(attack.Before);
        Assert.Empty(attack.After);
        Assert.Equal(TargetOf(competitor), TargetOf(snipe));
        ahead.OnOutput(1, [snipe, .. submitted], 0);

        // The negative control: the same snipe, ordered as it arrived (behind the competitor's), wins nothing.
        var (behind, sameSubmitted, sameCompetitor) = UpToFirstLiquidation(adversarial: true);
        var sameSnipe = Assert.Single(behind.React(sameCompetitor, 0, leads: true)!.Before);
        Assert.Equal(snipe.Hash, sameSnipe.Hash);
        behind.OnOutput(1, [.. sameSubmitted, sameSnipe], 0);

        Assert.Equal(1, ahead.Sniped);
        Assert.Equal(0, behind.Sniped);
        Assert.Equal(0UL, behind.AdversaryBonus);
        Assert.True(behind.HonestLiquidations > 0);

        // Exactly the competitor's win, bonus and all, moved to the adversary.
        Assert.Equal(behind.HonestLiquidations - 1, ahead.HonestLiquidations);
        Assert.Equal(behind.OthersBonus - ahead.OthersBonus, ahead.AdversaryBonus);
    }

    [Fact]
    public void The_adversary_does_not_react_when_it_cannot_place_or_cannot_read()
    {
        var (flow, _, competitor) = UpToFirstLiquidation(adversarial: true);
        Assert.Null(flow.React(competitor, 0, leads: false));

        // A ciphertext in the perps namespace, as an encrypted lane shows it.
        var sealedTx = new Transaction(PerpsMarketFlow.PerpsNamespace, new byte[96]);
        Assert.Null(flow.React(sealedTx, 0, leads: true));

        var (honestFlow, _, honestCompetitor) = UpToFirstLiquidation(adversarial: false);
        Assert.Null(honestFlow.React(honestCompetitor, 0, leads: true));
    }

    /// <summary>
    /// The flow driven by a perfect sequencer (each round's submissions land in order at once) until a bot sends its
    /// first liquidation: the flow, that round's perps submissions (held back) and the liquidation.
    /// </summary>
    private static (PerpsMarketFlow Flow, IReadOnlyList<Transaction> Submitted, Transaction Liquidation) UpToFirstLiquidation(bool adversarial)
    {
        var flow = new PerpsMarketFlow(Seed, adversarial);
        for (ulong round = 1; round <= 20_000; round++)
        {
            var submitted = flow.Submit(round, (long)round * 50);
            if (submitted.FirstOrDefault(IsLiquidation) is { } liquidation)
            {
                // Without this round's price update, which could lift the account back over its margin before either lands.
                return (flow, [.. submitted.Where(t => t.Namespace == PerpsMarketFlow.PerpsNamespace)], liquidation);
            }

            flow.OnOutput(round, submitted, (long)round * 50);
        }

        throw new InvalidOperationException("the price path liquidated nobody");
    }

    private static bool IsLiquidation(Transaction tx) =>
        tx.Namespace == PerpsMarketFlow.PerpsNamespace && RollupTransaction.TryDecode(tx.Payload.Span) is { Kind: PerpsKind.Liquidate };

    private static string TargetOf(Transaction tx) => Convert.ToHexString(RollupTransaction.TryDecode(tx.Payload.Span)!.Body);
}
