using Fairway.Rollups.Options;
using static Fairway.Rollups.Tests.RollupTestKit;

namespace Fairway.Rollups.Tests;

/// <summary>The options rollup: Black–Scholes premiums, limits, the market maker's collateral, exercise and settlement.</summary>
public sealed class OptionsStateTests
{
    private const ulong Namespace = 23;
    private const ulong Start = 1_000_000;
    private const ulong Year = BlackScholes.MillisecondsPerYear;

    private static readonly OptionSeries YearPut = new(IsCall: false, 100 * Usd, Start + Year);
    private static readonly OptionSeries YearCall = new(IsCall: true, 100 * Usd, Start + Year);

    private static byte[] Buy(Fairway.Crypto.Ed25519Signer who, ulong nonce, OptionSeries series, ulong quantity, ulong maxPremium) =>
        Tx(Namespace, who, nonce, OptionsKind.Buy, OptionsState.BuyBody(series, quantity, maxPremium));

    private static byte[] Exercise(Fairway.Crypto.Ed25519Signer who, ulong nonce, OptionSeries series, ulong quantity) =>
        Tx(Namespace, who, nonce, OptionsKind.Exercise, OptionsState.ExerciseBody(series, quantity));

    /// <summary>The market maker holds 1,000,000 USD and quotes at 20%; Alice holds 10,000 USD; the oracle says 100 USD.</summary>
    private static OptionsState Open()
    {
        var state = new OptionsState(Namespace, Maker.PublicKey);
        state.OnOracleUpdate(100 * Usd, Start);
        Assert.True(state.Apply(Tx(Namespace, Maker, 0, OptionsKind.Faucet), Verifier).IsApplied);
        Assert.True(state.Apply(Tx(Namespace, Maker, 1, OptionsKind.SetVolatility, OptionsState.SetVolatilityBody(200_000)), Verifier).IsApplied);
        Assert.True(state.Apply(Tx(Namespace, Alice, 0, OptionsKind.Faucet), Verifier).IsApplied);
        return state;
    }

    private static void AssertConserved(OptionsState state) =>
        Assert.Equal(state.Minted, state.Accounts.Aggregate(0UL, (sum, a) => sum + a.Value.Balance));

    [Fact]
    public void A_purchase_pays_the_black_scholes_premium_and_the_call_is_priced_with_its_cap()
    {
        var state = Open();
        var put = state.Apply(Buy(Alice, 1, YearPut, Unit, 100 * Usd), Verifier);
        Assert.True(put.IsApplied);
        Assert.Equal(7_965_568UL, put.Amount); // 7.9655674554 USD, rounded up
        Assert.Equal(Unit, state.PositionOf(Alice.PublicKey, YearPut));

        // The call pays at most its strike: it is priced as C(K) − C(2K).
        var call = state.Apply(Buy(Alice, 2, YearCall, Unit, 100 * Usd), Verifier);
        Assert.Equal(7_965_568UL - 1_886, call.Amount);
        Assert.Equal(10_000 * Usd - put.Amount - call.Amount, state.Find(Alice.PublicKey)!.Balance);
        Assert.Equal(200 * Usd, state.Locked);
        AssertConserved(state);
    }

    [Fact]
    public void A_premium_above_the_limit_or_the_funds_fails_and_only_the_market_maker_sets_the_volatility()
    {
        var state = Open();
        var quote = state.Quote(YearPut, Unit)!.Value;
        var limited = state.Apply(Buy(Alice, 1, YearPut, Unit, quote - 1), Verifier);
        Assert.Equal("failed", limited.Outcome);
        Assert.StartsWith("premium", limited.Reason, StringComparison.Ordinal);
        Assert.Equal(10_000 * Usd, state.Find(Alice.PublicKey)!.Balance);
        Assert.Equal(0UL, state.PositionOf(Alice.PublicKey, YearPut));

        var broke = state.Apply(Buy(Alice, 2, YearPut, 10_000 * Unit, ulong.MaxValue), Verifier);
        Assert.StartsWith("insufficient funds", broke.Reason, StringComparison.Ordinal);

        var stranger = state.Apply(Tx(Namespace, Alice, 3, OptionsKind.SetVolatility, OptionsState.SetVolatilityBody(900_000)), Verifier);
        Assert.Equal(("failed", "only the market maker sets the volatility"), (stranger.Outcome, stranger.Reason));
        Assert.Equal(200_000UL, state.VolatilityPpm);
        Assert.Equal("failed", state.Apply(Buy(Maker, 2, YearPut, Unit, ulong.MaxValue), Verifier).Outcome);
        Assert.True(state.Apply(Buy(Alice, 4, YearPut, Unit, quote), Verifier).IsApplied);
    }

    [Fact]
    public void The_market_maker_sells_only_what_its_collateral_covers_at_the_strike()
    {
        var state = Open();

        // A week-long 90 put far out of the money: cheap, but each unit may cost the market maker 90 USD.
        var series = new OptionSeries(IsCall: false, 90 * Usd, Start + (7 * Day));
        var most = 1_000_000 * Usd * Unit / (90 * Usd); // 11,111.111111 units
        var bought = state.Apply(Buy(Alice, 1, series, most, 100 * Usd), Verifier);
        Assert.True(bought.IsApplied, bought.Reason);
        Assert.True(state.Locked <= state.Find(Maker.PublicKey)!.Balance);

        var beyond = state.Apply(Buy(Alice, 2, series, Unit, 100 * Usd), Verifier);
        Assert.Equal("failed", beyond.Outcome);
        Assert.StartsWith("insufficient market-maker collateral", beyond.Reason, StringComparison.Ordinal);
        Assert.Equal(most, state.FindSeries(series)!.OpenQuantity);
        AssertConserved(state);
    }

    [Fact]
    public void Exercise_before_expiry_pays_the_current_price_and_after_expiry_it_fails_so_a_delay_costs_the_holder()
    {
        var state = Open();
        Assert.True(state.Apply(Buy(Alice, 1, YearPut, 2 * Unit, 100 * Usd), Verifier).IsApplied);
        var delayed = OptionsState.Decode(state.Encode());

        // On time: the price is 80, one unit pays 20 USD now.
        state.OnOracleUpdate(80 * Usd, Start + Year - 1);
        var exercised = state.Apply(Exercise(Alice, 2, YearPut, Unit), Verifier);
        Assert.True(exercised.IsApplied);
        Assert.Equal(20 * Usd, exercised.Amount);
        Assert.Equal(Unit, state.PositionOf(Alice.PublicKey, YearPut));
        Assert.Equal(100 * Usd, state.Locked);

        // Delayed past the update that reaches expiry (the price back at 99): the series settles at 99 for 1 USD a
        // unit, and the late exercise fails.
        delayed.OnOracleUpdate(80 * Usd, Start + Year - 1);
        var balance = delayed.Find(Alice.PublicKey)!.Balance;
        Assert.Equal(2 * Usd, delayed.OnOracleUpdate(99 * Usd, Start + Year));
        var late = delayed.Apply(Exercise(Alice, 2, YearPut, Unit), Verifier);
        Assert.Equal(("failed", "expired"), (late.Outcome, late.Reason));
        Assert.Equal(balance + (2 * Usd), delayed.Find(Alice.PublicKey)!.Balance);
        Assert.Null(delayed.FindSeries(YearPut));
        Assert.Equal(0UL, delayed.Locked);
        AssertConserved(state);
        AssertConserved(delayed);
    }

    [Fact]
    public void Settlement_pays_in_the_money_positions_at_the_first_update_at_expiry_and_caps_calls_at_the_strike()
    {
        var state = Open();
        var soon = new OptionSeries(IsCall: true, 100 * Usd, Start + Day);
        var otm = new OptionSeries(IsCall: false, 100 * Usd, Start + Day);
        var later = new OptionSeries(IsCall: true, 100 * Usd, Start + (2 * Day));
        Assert.True(state.Apply(Buy(Alice, 1, soon, 3 * Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Buy(Alice, 2, otm, Unit, 100 * Usd), Verifier).IsApplied);
        Assert.True(state.Apply(Buy(Alice, 3, later, Unit, 100 * Usd), Verifier).IsApplied);
        var outOfMoney = state.Apply(Exercise(Alice, 4, otm, Unit), Verifier);
        Assert.Equal(("failed", "out of the money"), (outOfMoney.Outcome, outOfMoney.Reason));

        // Before expiry nothing settles; the update at expiry settles at its price, 250: the call pays its cap, 100.
        Assert.Equal(0UL, state.OnOracleUpdate(120 * Usd, Start + Day - 1));
        Assert.Equal(300 * Usd, state.OnOracleUpdate(250 * Usd, Start + Day));
        Assert.Null(state.FindSeries(soon));
        Assert.Null(state.FindSeries(otm));
        Assert.NotNull(state.FindSeries(later));
        Assert.Equal(100 * Usd, state.Locked);
        AssertConserved(state);
    }

    [Fact]
    public void Forged_replayed_malformed_and_expired_purchases_are_refused_and_the_state_round_trips()
    {
        var state = Open();
        var buy = Buy(Alice, 1, YearPut, Unit, 100 * Usd);
        var root = state.StateRoot();
        Assert.Equal("skipped", state.Apply(Forged(buy), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Tx(Namespace - 1, Alice, 1, OptionsKind.Buy, OptionsState.BuyBody(YearPut, Unit, 100 * Usd)), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Buy(Alice, 5, YearPut, Unit, 100 * Usd), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply([], Verifier).Outcome);
        Assert.Equal(root, state.StateRoot());

        Assert.True(state.Apply(buy, Verifier).IsApplied);
        Assert.Equal("skipped", state.Apply(buy, Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Namespace, Alice, 2, OptionsKind.Buy, [2, 0]), Verifier).Outcome);
        var expired = state.Apply(Buy(Alice, 3, new OptionSeries(true, 100 * Usd, Start), Unit, 100 * Usd), Verifier);
        Assert.Equal(("failed", "expired"), (expired.Outcome, expired.Reason));

        var decoded = OptionsState.Decode(state.Encode());
        Assert.Equal(state.Encode(), decoded.Encode());
        Assert.Equal(state.Quote(YearCall, Unit), decoded.Quote(YearCall, Unit));
        Assert.Throws<Fairway.Core.Encoding.EncodingException>(() => OptionsState.Decode(state.Encode()[..^3]));
    }
}
