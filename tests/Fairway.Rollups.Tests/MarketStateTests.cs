using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;
using Fairway.Rollups.Options;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Perps;
using static Fairway.Rollups.Tests.RollupTestKit;

namespace Fairway.Rollups.Tests;

/// <summary>The joint market: cross-rollup bundles apply or revert on both rollups, the same on every executor.</summary>
public sealed class MarketStateTests
{
    private const ulong OracleNs = 31;
    private const ulong PerpsNs = 32;
    private const ulong OptionsNs = 33;
    private const ulong Start = 1_000_000;

    private static readonly OptionSeries MonthCall = new(IsCall: true, 100 * Usd, Start + (30 * Day));

    private static MarketState NewMarket() => new(OracleNs, PerpsNs, OptionsNs, Feeder.PublicKey, Maker.PublicKey);

    private static byte[] Price(ulong nonce, ulong price, ulong timestamp) =>
        Tx(OracleNs, Feeder, nonce, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(price, timestamp));

    /// <summary>Height 1: price 100; Alice and Bob funded on perps; the market maker funded at 20%, Alice funded on options.</summary>
    private static (List<ReadOnlyMemory<byte>> Oracle, List<ReadOnlyMemory<byte>> Perps, List<ReadOnlyMemory<byte>> Options) Opening() => (
        Payloads(Price(0, 100 * Usd, Start)),
        Payloads(Tx(PerpsNs, Alice, 0, PerpsKind.Faucet), Tx(PerpsNs, Bob, 0, PerpsKind.Faucet)),
        Payloads(
            Tx(OptionsNs, Maker, 0, OptionsKind.Faucet),
            Tx(OptionsNs, Maker, 1, OptionsKind.SetVolatility, OptionsState.SetVolatilityBody(200_000)),
            Tx(OptionsNs, Alice, 0, OptionsKind.Faucet)));

    /// <summary>Alice's hedge: buy one month call (leg 0, options) and short one unit (leg 1, perps) with a floor price.</summary>
    private static IReadOnlyList<byte[]> Hedge(ulong shortLimit, ulong maxPremium = 10 * Usd, ulong optionsNonce = 1, ulong perpsNonce = 1) =>
        BundleEnvelope.Build([
            new BundleLegRequest(OptionsNs, OptionsKind.Buy, optionsNonce, OptionsState.BuyBody(MonthCall, Unit, maxPremium), Alice),
            new BundleLegRequest(PerpsNs, PerpsKind.Trade, perpsNonce, PerpsState.TradeBody(-(long)Unit, shortLimit), Alice),
        ]);

    private static MarketState Opened()
    {
        var market = NewMarket();
        var (oracle, perps, options) = Opening();
        var receipts = market.ApplyHeight(oracle, perps, options, Verifier);
        Assert.All(receipts.Oracle.Concat(receipts.Perps).Concat(receipts.Options), r => Assert.True(r.IsApplied, r.Reason));
        return market;
    }

    [Fact]
    public void A_bundle_whose_legs_both_hold_applies_on_both_rollups()
    {
        var market = Opened();
        var legs = Hedge(shortLimit: 99 * Usd);
        var receipts = market.ApplyHeight([], Payloads(legs[1]), Payloads(legs[0]), Verifier);

        Assert.True(receipts.Options[0].IsApplied, receipts.Options[0].Reason);
        Assert.True(receipts.Perps[0].IsApplied, receipts.Perps[0].Reason);
        Assert.Equal(market.Options.Quote(MonthCall, Unit), receipts.Options[0].Amount);
        Assert.Equal(Unit, market.Options.PositionOf(Alice.PublicKey, MonthCall));
        Assert.Equal(-(long)Unit, market.Perps.Find(Alice.PublicKey)!.Size);
        Assert.Equal((2UL, 2UL), (market.Perps.Find(Alice.PublicKey)!.Nonce, market.Options.Find(Alice.PublicKey)!.Nonce));

        // The same bundle again: its nonces are spent, so it reverts as a whole.
        var replay = market.ApplyHeight([], Payloads(legs[1]), Payloads(legs[0]), Verifier);
        Assert.Equal("failed", replay.Perps[0].Outcome);
        Assert.StartsWith("bundle reverted: leg 0: nonce", replay.Options[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leg_beyond_its_limit_reverts_both_legs_and_only_the_nonces_are_used()
    {
        var market = Opened();
        var perpsBefore = (market.Perps.Find(Alice.PublicKey)!.Collateral, market.Perps.ShortOpenInterest, market.Perps.Pool);
        var optionsBefore = (market.Options.Find(Alice.PublicKey)!.Balance, market.Options.Find(Maker.PublicKey)!.Balance, market.Options.Locked);

        // The perps leg will not sell below 101; the oracle says 100. The call alone would have gone through.
        var legs = Hedge(shortLimit: 101 * Usd);
        var receipts = market.ApplyHeight([], Payloads(legs[1]), Payloads(legs[0]), Verifier);

        Assert.Equal(receipts.Perps[0], receipts.Options[0]);
        Assert.Equal("failed", receipts.Perps[0].Outcome);
        Assert.StartsWith("bundle reverted: leg 1: price moved beyond the limit", receipts.Perps[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0UL, market.Options.PositionOf(Alice.PublicKey, MonthCall));
        Assert.Equal(0L, market.Perps.Find(Alice.PublicKey)!.Size);
        Assert.Equal(perpsBefore, (market.Perps.Find(Alice.PublicKey)!.Collateral, market.Perps.ShortOpenInterest, market.Perps.Pool));
        Assert.Equal(optionsBefore, (market.Options.Find(Alice.PublicKey)!.Balance, market.Options.Find(Maker.PublicKey)!.Balance, market.Options.Locked));
        Assert.Equal((2UL, 2UL), (market.Perps.Find(Alice.PublicKey)!.Nonce, market.Options.Find(Alice.PublicKey)!.Nonce));

        // The other way round: a premium limit too low reverts the short.
        var cheap = Hedge(shortLimit: 99 * Usd, maxPremium: 1, optionsNonce: 2, perpsNonce: 2);
        var second = market.ApplyHeight([], Payloads(cheap[1]), Payloads(cheap[0]), Verifier);
        Assert.StartsWith("bundle reverted: leg 0: premium", second.Perps[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0L, market.Perps.Find(Alice.PublicKey)!.Size);
    }

    [Fact]
    public void Two_executors_fed_the_same_three_streams_hold_the_same_roots_and_a_restarted_one_catches_up()
    {
        // Plain transactions around the bundles, an oracle move between heights, one bundle that applies, one that reverts.
        var good = Hedge(shortLimit: 99 * Usd);
        var bad = Hedge(shortLimit: 120 * Usd, optionsNonce: 2, perpsNonce: 2);
        var heights = new List<(List<ReadOnlyMemory<byte>>, List<ReadOnlyMemory<byte>>, List<ReadOnlyMemory<byte>>)>
        {
            Opening(),
            (Payloads(Price(1, 101 * Usd, Start + Hour)),
             Payloads(Tx(PerpsNs, Bob, 1, PerpsKind.Trade, PerpsState.TradeBody(3 * (long)Unit, 102 * Usd)), good[1], bad[1]),
             Payloads(good[0], bad[0], Tx(OptionsNs, Bob, 0, OptionsKind.Faucet))),
            (Payloads(Price(2, 97 * Usd, Start + (2 * Hour))), Payloads(Tx(PerpsNs, Bob, 2, PerpsKind.Trade, PerpsState.TradeBody(-(long)Unit, 90 * Usd))), Payloads()),
        };

        var perpsExecutor = NewMarket();
        var optionsExecutor = NewMarket();
        MarketState? restarted = null;
        var receipts = new List<MarketReceipts>();
        for (var h = 0; h < heights.Count; h++)
        {
            var (o, p, x) = heights[h];
            receipts.Add(perpsExecutor.ApplyHeight(o, p, x, Verifier));
            optionsExecutor.ApplyHeight(o, p, x, Verifier);
            restarted = h == 0 ? MarketState.Decode(optionsExecutor.Encode()) : restarted;
            if (h > 0)
            {
                restarted!.ApplyHeight(o, p, x, Verifier);
            }

            Assert.Equal(perpsExecutor.StateRoot(), optionsExecutor.StateRoot());
            Assert.Equal(perpsExecutor.Perps.StateRoot(), optionsExecutor.Perps.StateRoot());
            Assert.Equal(perpsExecutor.Options.StateRoot(), optionsExecutor.Options.StateRoot());
            Assert.Equal(perpsExecutor.Oracle.StateRoot(), optionsExecutor.Oracle.StateRoot());
            Assert.Equal(perpsExecutor.StateRoot(), restarted!.StateRoot());
        }

        // The bundle applied, the second reverted, Bob traded around them.
        Assert.Equal(["applied", "applied", "failed"], receipts[1].Perps.Select(r => r.Outcome));
        Assert.Equal(["applied", "failed", "applied"], receipts[1].Options.Select(r => r.Outcome));
        Assert.Equal(-(long)Unit, perpsExecutor.Perps.Find(Alice.PublicKey)!.Size);
        Assert.Equal(2 * (long)Unit, perpsExecutor.Perps.Find(Bob.PublicKey)!.Size);

        var decoded = MarketState.Decode(perpsExecutor.Encode());
        Assert.Equal(perpsExecutor.Encode(), decoded.Encode());
        Assert.Equal(perpsExecutor.StateRoot(), decoded.StateRoot());

        // Negative control: the same streams with the bundles' order swapped in one namespace give other roots.
        var swapped = NewMarket();
        swapped.ApplyHeight(heights[0].Item1, heights[0].Item2, heights[0].Item3, Verifier);
        swapped.ApplyHeight(heights[1].Item1, heights[1].Item2, Payloads(bad[0], good[0], Tx(OptionsNs, Bob, 0, OptionsKind.Faucet)), Verifier);
        Assert.NotEqual(perpsExecutor.StateRoot(), swapped.StateRoot());
    }

    [Fact]
    public void A_leg_whose_partner_is_missing_fails_and_uses_nothing_so_the_whole_bundle_can_still_land()
    {
        var market = Opened();
        var legs = Hedge(shortLimit: 99 * Usd);
        var root = market.StateRoot();

        var alone = market.ApplyHeight([], Payloads(legs[1]), [], Verifier);
        Assert.Equal("failed", alone.Perps[0].Outcome);
        Assert.Contains("is not next there", alone.Perps[0].Reason, StringComparison.Ordinal);
        Assert.Equal(root, market.StateRoot());

        // The two legs of a bundle, or a leg lifted out of its envelope, cannot be split or recombined.
        var other = Hedge(shortLimit: 98 * Usd);
        var mixed = BundleEnvelope.TryDecode(legs[0])!;
        var foreignLeg = BundleEnvelope.TryDecode(other[1])!.Leg;
        var recombined = RecombinedEnvelopes(mixed.Leg, foreignLeg);
        var spliced = market.ApplyHeight([], Payloads(recombined[1]), Payloads(recombined[0]), Verifier);
        Assert.Contains("commits to other legs", spliced.Options[0].Reason, StringComparison.Ordinal);
        var lifted = market.ApplyHeight([], Payloads(BundleEnvelope.TryDecode(legs[1])!.Leg.Transaction), [], Verifier);
        Assert.Equal("skipped", lifted.Perps[0].Outcome);
        Assert.Equal(root, market.StateRoot());

        // An envelope in the oracle's stream is no oracle transaction.
        Assert.Equal("skipped", market.ApplyHeight(Payloads(legs[0]), [], [], Verifier).Oracle[0].Outcome);

        var whole = market.ApplyHeight([], Payloads(legs[1]), Payloads(legs[0]), Verifier);
        Assert.True(whole.Perps[0].IsApplied, whole.Perps[0].Reason);
        Assert.True(whole.Options[0].IsApplied, whole.Options[0].Reason);
    }

    [Fact]
    public void Funding_and_settlement_follow_the_oracle_stream()
    {
        var market = Opened();
        var legs = Hedge(shortLimit: 99 * Usd);
        market.ApplyHeight([], Payloads(legs[1]), Payloads(legs[0]), Verifier);
        var premium = OptionsState.FaucetAmount - market.Options.Find(Alice.PublicKey)!.Balance;

        // At expiry the oracle says 110: the call settles for 10 USD; the short lost 10 USD (no funding: one side only).
        market.ApplyHeight(Payloads(Price(1, 110 * Usd, MonthCall.Expiry)), [], [], Verifier);
        Assert.Null(market.Options.FindSeries(MonthCall));
        Assert.Equal(OptionsState.FaucetAmount - premium + (10 * Usd), market.Options.Find(Alice.PublicKey)!.Balance);
        Assert.Equal((Int128)(PerpsState.FaucetAmount - (10 * Usd)), market.Perps.Equity(market.Perps.Find(Alice.PublicKey)!));
        Assert.Equal(MonthCall.Expiry, market.Perps.OracleTime);
    }

    private static byte[][] RecombinedEnvelopes(BundleLegEntry first, BundleLegEntry second)
    {
        var writer = new Fairway.Core.Encoding.CanonicalWriter();
        byte[] Envelope(byte index)
        {
            writer.Reset();
            writer.WriteRaw(BundleEnvelope.Magic);
            writer.WriteU8(BundleEnvelope.Version);
            writer.WriteCount(2);
            writer.WriteU64(first.Namespace);
            writer.WriteBytes(first.Transaction);
            writer.WriteU64(second.Namespace);
            writer.WriteBytes(second.Transaction);
            writer.WriteU8(index);
            return writer.ToArray();
        }

        return [Envelope(0), Envelope(1)];
    }
}
