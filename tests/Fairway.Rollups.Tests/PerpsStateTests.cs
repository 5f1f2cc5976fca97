using Fairway.Rollups.Market;
using Fairway.Rollups.Perps;
using static Fairway.Rollups.Tests.RollupTestKit;

namespace Fairway.Rollups.Tests;

/// <summary>The perpetuals rollup: margin, funding, liquidation, and money neither made nor lost.</summary>
public sealed class PerpsStateTests
{
    private const ulong Namespace = 22;
    private const ulong Start = 1_000_000;

    private static byte[] Trade(Fairway.Crypto.Ed25519Signer who, ulong nonce, long delta, ulong limit) =>
        Tx(Namespace, who, nonce, PerpsKind.Trade, PerpsState.TradeBody(delta, limit));

    private static byte[] Faucet(Fairway.Crypto.Ed25519Signer who) => Tx(Namespace, who, 0, PerpsKind.Faucet);

    /// <summary>Alice and Bob hold 10,000 USD each; the oracle says 100 USD.</summary>
    private static PerpsState Funded()
    {
        var state = new PerpsState(Namespace);
        state.OnOracleUpdate(100 * Usd, Start);
        Assert.True(state.Apply(Faucet(Alice), Verifier).IsApplied);
        Assert.True(state.Apply(Faucet(Bob), Verifier).IsApplied);
        return state;
    }

    /// <summary>Σ collateral + Σ auction deposits + the auction pool + the house = Σ faucet draws, exactly.</summary>
    internal static void AssertConserved(PerpsState state) =>
        Assert.Equal(
            (Int128)state.Minted,
            state.Accounts.Aggregate((Int128)0, (sum, a) => sum + a.Value.Collateral + a.Value.AuctionDeposit) + state.AuctionPool + state.Pool);

    [Fact]
    public void A_trade_needs_the_initial_margin_and_fails_beyond_it_using_only_its_nonce()
    {
        var state = Funded();

        // 10,000 USD at 10% carries 100,000 USD of notional: 1,000 units at 100 USD, exactly.
        Assert.True(state.Apply(Trade(Alice, 1, 1_000 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        var alice = state.Find(Alice.PublicKey)!;
        Assert.Equal((1_000 * (long)Unit, 100 * Usd, 10_000 * Usd), (alice.Size, alice.EntryPrice, alice.Collateral));

        var before = (alice.Size, alice.Collateral, alice.EntryPrice, state.LongOpenInterest, state.Pool);
        var more = state.Apply(Trade(Alice, 2, 1, 100 * Usd), Verifier);
        Assert.Equal("failed", more.Outcome);
        Assert.StartsWith("insufficient margin", more.Reason, StringComparison.Ordinal);
        Assert.Equal(3UL, alice.Nonce);
        Assert.Equal(before, (alice.Size, alice.Collateral, alice.EntryPrice, state.LongOpenInterest, state.Pool));

        // Reducing is always allowed; an account with nothing cannot open.
        Assert.True(state.Apply(Trade(Alice, 3, -500 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.Equal("failed", state.Apply(Trade(Carol, 0, 1, 100 * Usd), Verifier).Outcome);
        AssertConserved(state);
    }

    [Fact]
    public void A_trade_fails_when_the_oracle_price_is_beyond_its_limit_for_its_side()
    {
        var state = Funded();
        var buy = state.Apply(Trade(Alice, 1, (long)Unit, 99 * Usd), Verifier);
        Assert.Equal("failed", buy.Outcome);
        Assert.StartsWith("price moved beyond the limit", buy.Reason, StringComparison.Ordinal);
        Assert.Equal("failed", state.Apply(Trade(Bob, 1, -(long)Unit, 101 * Usd), Verifier).Outcome);
        Assert.Equal(0L, state.Find(Alice.PublicKey)!.Size);

        Assert.True(state.Apply(Trade(Alice, 2, (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 2, -(long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 3, -(long)Unit, 1), Verifier).IsApplied);
    }

    [Fact]
    public void Funding_flows_from_the_heavier_side_to_the_lighter_and_the_house_keeps_only_rounding_dust()
    {
        var state = Funded();
        Assert.True(state.Apply(Trade(Alice, 1, 300 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 1, -200 * (long)Unit, 100 * Usd), Verifier).IsApplied);

        // One hour at a constant price: the imbalance (100 units, 10,000 USD) pays 0.1%, 10 USD, from longs to shorts.
        state.OnOracleUpdate(100 * Usd, Start + Hour);
        var flow = (Int128)(10 * Usd);
        var alice = state.Find(Alice.PublicKey)!;
        var bob = state.Find(Bob.PublicKey)!;
        Assert.InRange(10_000 * (long)Usd - state.Equity(alice), flow, flow + 1);
        Assert.InRange(state.Equity(bob) - (10_000 * (long)Usd), flow - 1, flow);

        // Settled on closing: collateral moves by the same amounts, the house keeps the rounding, everything adds up.
        Assert.True(state.Apply(Trade(Alice, 2, -300 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 2, 200 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        var paid = (Int128)(10_000 * Usd) - alice.Collateral;
        var received = bob.Collateral - (Int128)(10_000 * Usd);
        Assert.InRange(paid, flow, flow + 1);
        Assert.InRange(received, flow - 1, flow);
        Assert.Equal(paid - received, state.Pool);
        Assert.InRange(state.Pool, 0, 2);
        AssertConserved(state);

        // A lopsided market: the imbalance is charged only up to the lighter side (1 unit), so the lone short receives
        // 0.1% of its own notional per hour, 0.10 USD, not of the whole imbalance.
        Assert.True(state.Apply(Trade(Alice, 3, 50 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 3, -(long)Unit, 100 * Usd), Verifier).IsApplied);
        var lone = state.Equity(state.Find(Bob.PublicKey)!);
        state.OnOracleUpdate(100 * Usd, Start + (2 * Hour));
        Assert.InRange(state.Equity(state.Find(Bob.PublicKey)!) - lone, 99_999, 100_000);
        Assert.True(state.Apply(Trade(Alice, 4, -50 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 4, (long)Unit, 100 * Usd), Verifier).IsApplied);
        AssertConserved(state);
        Assert.InRange(state.Pool, 0, 4);

        // Balanced, or one-sided, open interest pays no funding.
        Assert.True(state.Apply(Trade(Alice, 5, 10 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        var equity = state.Equity(state.Find(Alice.PublicKey)!);
        state.OnOracleUpdate(100 * Usd, Start + (3 * Hour));
        Assert.Equal(equity, state.Equity(state.Find(Alice.PublicKey)!));
    }

    [Fact]
    public void Below_maintenance_anyone_liquidates_once_with_a_bonus_of_two_percent_and_a_second_liquidation_fails()
    {
        var state = Funded();
        Assert.True(state.Apply(Trade(Alice, 1, 1_000 * (long)Unit, 100 * Usd), Verifier).IsApplied);

        // At 94.80 USD: equity 4,800, maintenance 5% of 94,800 = 4,740: safe.
        state.OnOracleUpdate(94_800_000, Start + 1);
        Assert.False(state.IsLiquidatable(state.Find(Alice.PublicKey)!));
        var early = state.Apply(Tx(Namespace, Carol, 0, PerpsKind.Liquidate, PerpsState.LiquidateBody(Alice.PublicKey)), Verifier);
        Assert.Equal(("failed", "not liquidatable"), (early.Outcome, early.Reason));

        // At 94.70 USD: equity 4,700 < 4,735. Carol liquidates: 2% of 94,700 = 1,894 USD.
        state.OnOracleUpdate(94_700_000, Start + 2);
        var liquidation = state.Apply(Tx(Namespace, Carol, 1, PerpsKind.Liquidate, PerpsState.LiquidateBody(Alice.PublicKey)), Verifier);
        Assert.True(liquidation.IsApplied);
        Assert.Equal(1_894 * Usd, liquidation.Amount);
        Assert.Equal((0L, 2_806 * Usd), (state.Find(Alice.PublicKey)!.Size, state.Find(Alice.PublicKey)!.Collateral));
        Assert.Equal(1_894 * Usd, state.Find(Carol.PublicKey)!.Collateral);
        Assert.Equal(0UL, state.LongOpenInterest);

        var second = state.Apply(Tx(Namespace, Dave, 0, PerpsKind.Liquidate, PerpsState.LiquidateBody(Alice.PublicKey)), Verifier);
        Assert.Equal(("failed", "not liquidatable"), (second.Outcome, second.Reason));
        Assert.Equal("failed", state.Apply(Tx(Namespace, Bob, 1, PerpsKind.Liquidate, PerpsState.LiquidateBody(Bob.PublicKey)), Verifier).Outcome);
        AssertConserved(state);
    }

    [Fact]
    public void The_bonus_is_capped_by_what_remains_and_a_deficit_is_the_houses()
    {
        var state = Funded();
        Assert.True(state.Apply(Trade(Alice, 1, 1_000 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Trade(Bob, 1, 1_000 * (long)Unit, 100 * Usd), Verifier).IsApplied);

        // At 90.50: Alice's equity is 500 USD, below 2% of 90,500: Carol gets the 500.
        state.OnOracleUpdate(90_500_000, Start + 1);
        var capped = state.Apply(Tx(Namespace, Carol, 0, PerpsKind.Liquidate, PerpsState.LiquidateBody(Alice.PublicKey)), Verifier);
        Assert.Equal(500 * Usd, capped.Amount);
        Assert.Equal(0UL, state.Find(Alice.PublicKey)!.Collateral);

        // At 85: Bob is 5,000 USD under water: nothing for the liquidator, the house absorbs the deficit.
        state.OnOracleUpdate(85 * Usd, Start + 2);
        Assert.Equal(0UL, state.Apply(Tx(Namespace, Carol, 1, PerpsKind.Liquidate, PerpsState.LiquidateBody(Bob.PublicKey)), Verifier).Amount);
        Assert.Equal(0UL, state.Find(Bob.PublicKey)!.Collateral);
        Assert.Equal((Int128)(19_500 * Usd), state.Pool);
        AssertConserved(state);
    }

    [Fact]
    public void Forged_replayed_malformed_and_lifted_bundle_legs_are_skipped_and_the_state_round_trips()
    {
        var state = Funded();
        Assert.True(state.Apply(Trade(Alice, 1, 5 * (long)Unit, 100 * Usd), Verifier).IsApplied);
        var root = state.StateRoot();
        var trade = Trade(Bob, 1, -(long)Unit, 100 * Usd);

        Assert.Equal("skipped", state.Apply(Forged(trade), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Tx(Namespace + 1, Bob, 1, PerpsKind.Trade, PerpsState.TradeBody(-1, 0)), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply("junk"u8, Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Trade(Bob, 9, -1, 0), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Tx(Namespace, Bob, 1, PerpsKind.Trade | BundleLeg.KindFlag, new byte[48]), Verifier).Outcome);
        Assert.Equal(root, state.StateRoot());

        Assert.True(state.Apply(trade, Verifier).IsApplied);
        Assert.Equal("skipped", state.Apply(trade, Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Namespace, Bob, 2, PerpsKind.Trade, [1]), Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Namespace, Bob, 3, PerpsKind.Faucet), Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Namespace, Bob, 4, 77), Verifier).Outcome);

        state.OnOracleUpdate(103 * Usd, Start + Hour);
        var decoded = PerpsState.Decode(state.Encode());
        Assert.Equal(state.Encode(), decoded.Encode());
        Assert.Equal(state.Equity(state.Find(Alice.PublicKey)!), decoded.Equity(decoded.Find(Alice.PublicKey)!));
        Assert.Throws<Fairway.Core.Encoding.EncodingException>(() => PerpsState.Decode([.. state.Encode(), 0]));
    }
}
