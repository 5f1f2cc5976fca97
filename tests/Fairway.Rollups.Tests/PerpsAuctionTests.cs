using System.Buffers.Binary;
using Fairway.Core.Auction;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Execution;
using Fairway.Rollups.Market;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Perps;
using static Fairway.Rollups.Tests.RollupTestKit;

namespace Fairway.Rollups.Tests;

/// <summary>The perps rollup's side of the express-lane auction: deposits, the chain's records, and the sequencer's view.</summary>
public sealed class PerpsAuctionTests
{
    private const ulong Namespace = 62;
    private const ulong OracleNs = 61;
    private const ulong OptionsNs = 63;
    private const ulong ForeignNs = 70;
    private const ulong Start = 1_000_000;

    private static readonly Hash ChainId = Hash.Compute("perps-auction-test-chain"u8);

    private static byte[] Deposit(Fairway.Crypto.Ed25519Signer who, ulong nonce, ulong amount) =>
        Tx(Namespace, who, nonce, PerpsKind.AuctionDeposit, PerpsState.AuctionDepositBody(amount));

    private static byte[] Withdraw(Fairway.Crypto.Ed25519Signer who, ulong nonce, ulong amount) =>
        Tx(Namespace, who, nonce, PerpsKind.AuctionWithdraw, PerpsState.AuctionWithdrawBody(amount));

    private static byte[] Trade(Fairway.Crypto.Ed25519Signer who, ulong nonce, long delta, ulong limit) =>
        Tx(Namespace, who, nonce, PerpsKind.Trade, PerpsState.TradeBody(delta, limit));

    private static byte[] Result(PublicKey? winner, ulong price, ulong ns = Namespace) => AuctionRecord.Result(ns, 7, winner, price, 3, 2).Encode();

    private static byte[] Settlement(ulong price, params RebateShare[] shares) => AuctionRecord.Settlement(Namespace, 7, Alice.PublicKey, price, shares).Encode();

    /// <summary>Alice and Bob hold 10,000 USD each; the oracle says 100 USD.</summary>
    private static PerpsState Funded()
    {
        var state = new PerpsState(Namespace);
        state.OnOracleUpdate(100 * Usd, Start);
        Assert.True(state.Apply(Tx(Namespace, Alice, 0, PerpsKind.Faucet), Verifier).IsApplied);
        Assert.True(state.Apply(Tx(Namespace, Bob, 0, PerpsKind.Faucet), Verifier).IsApplied);
        return state;
    }

    /// <summary>Everything an auction transaction or record may move, besides nonces.</summary>
    private static (ulong, ulong, ulong, ulong, ulong, Int128, int) Balances(PerpsState state) => (
        state.Find(Alice.PublicKey)?.Collateral ?? 0, state.Find(Alice.PublicKey)?.AuctionDeposit ?? 0,
        state.Find(Bob.PublicKey)?.Collateral ?? 0, state.Find(Bob.PublicKey)?.AuctionDeposit ?? 0,
        state.AuctionPool, state.Pool, state.AccountCount);

    private static void AssertApplied(RollupReceipt receipt) => Assert.True(receipt.IsApplied, receipt.Reason);

    [Fact]
    public void A_deposit_moves_collateral_into_the_auction_deposit_and_a_withdrawal_moves_it_back()
    {
        var state = Funded();
        var alice = state.Find(Alice.PublicKey)!;

        var deposit = state.Apply(Deposit(Alice, 1, 1_000 * Usd), Verifier);
        AssertApplied(deposit);
        Assert.Equal(1_000 * Usd, deposit.Amount);
        Assert.Equal((9_000 * Usd, 1_000 * Usd), (alice.Collateral, alice.AuctionDeposit));
        PerpsStateTests.AssertConserved(state);

        AssertApplied(state.Apply(Deposit(Alice, 2, 9_000 * Usd), Verifier));
        Assert.Equal((0UL, 10_000 * Usd), (alice.Collateral, alice.AuctionDeposit));

        var withdrawal = state.Apply(Withdraw(Alice, 3, 400 * Usd), Verifier);
        AssertApplied(withdrawal);
        Assert.Equal(400 * Usd, withdrawal.Amount);
        Assert.Equal((400 * Usd, 9_600 * Usd), (alice.Collateral, alice.AuctionDeposit));
        AssertApplied(state.Apply(Withdraw(Alice, 4, 9_600 * Usd), Verifier));
        Assert.Equal((10_000 * Usd, 0UL), (alice.Collateral, alice.AuctionDeposit));
        Assert.Equal(5UL, alice.Nonce);
        PerpsStateTests.AssertConserved(state);
    }

    [Fact]
    public void A_deposit_or_withdrawal_beyond_what_is_held_fails_using_only_its_nonce()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Alice, 1, 1_000 * Usd), Verifier));
        var before = Balances(state);

        var deposit = state.Apply(Deposit(Alice, 2, (9_000 * Usd) + 1), Verifier);
        Assert.Equal("failed", deposit.Outcome);
        Assert.StartsWith("insufficient collateral", deposit.Reason, StringComparison.Ordinal);

        var withdrawal = state.Apply(Withdraw(Alice, 3, (1_000 * Usd) + 1), Verifier);
        Assert.Equal("failed", withdrawal.Outcome);
        Assert.StartsWith("insufficient auction deposit", withdrawal.Reason, StringComparison.Ordinal);

        var empty = state.Apply(Withdraw(Bob, 1, 1), Verifier);
        Assert.StartsWith("insufficient auction deposit", empty.Reason, StringComparison.Ordinal);
        Assert.Equal("failed", state.Apply(Deposit(Alice, 4, 0), Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Withdraw(Alice, 5, 0), Verifier).Outcome);
        Assert.StartsWith("malformed body", state.Apply(Tx(Namespace, Alice, 6, PerpsKind.AuctionDeposit, [1, 2, 3, 4]), Verifier).Reason, StringComparison.Ordinal);
        Assert.StartsWith("malformed body", state.Apply(Tx(Namespace, Alice, 7, PerpsKind.AuctionWithdraw, [.. PerpsState.AuctionWithdrawBody(1), 0]), Verifier).Reason, StringComparison.Ordinal);

        Assert.Equal(before, Balances(state));
        Assert.Equal((8UL, 2UL), (state.Find(Alice.PublicKey)!.Nonce, state.Find(Bob.PublicKey)!.Nonce));

        // Exactly what is held goes through.
        AssertApplied(state.Apply(Deposit(Alice, 8, 9_000 * Usd), Verifier));
        AssertApplied(state.Apply(Withdraw(Alice, 9, 10_000 * Usd), Verifier));
        PerpsStateTests.AssertConserved(state);
    }

    [Fact]
    public void Neither_a_deposit_nor_the_collateral_a_withdrawal_returns_to_grows_beyond_the_cap()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Bob, 1, 1_000 * Usd), Verifier));

        // Written into the encoding, right after each key: Alice's deposit 5 below the cap, Bob's collateral 5 below it.
        var bytes = state.Encode();
        var alice = bytes.AsSpan().IndexOf(Alice.PublicKey.ToArray()) + PublicKey.Size;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(alice + 8), PerpsState.CollateralMax - 5);
        var bob = bytes.AsSpan().IndexOf(Bob.PublicKey.ToArray()) + PublicKey.Size;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bob), PerpsState.CollateralMax - 5);
        state = PerpsState.Decode(bytes);
        var before = Balances(state);

        var deposit = state.Apply(Deposit(Alice, 1, 6), Verifier);
        Assert.Equal("failed", deposit.Outcome);
        Assert.StartsWith("the auction deposit would exceed", deposit.Reason, StringComparison.Ordinal);
        var withdrawal = state.Apply(Withdraw(Bob, 2, 6), Verifier);
        Assert.Equal("failed", withdrawal.Outcome);
        Assert.StartsWith("the collateral would exceed", withdrawal.Reason, StringComparison.Ordinal);
        Assert.Equal(before, Balances(state));

        AssertApplied(state.Apply(Deposit(Alice, 2, 5), Verifier));
        AssertApplied(state.Apply(Withdraw(Bob, 3, 5), Verifier));
        Assert.Equal((PerpsState.CollateralMax, PerpsState.CollateralMax), (state.Find(Alice.PublicKey)!.AuctionDeposit, state.Find(Bob.PublicKey)!.Collateral));
    }

    [Fact]
    public void A_deposit_that_would_leave_an_open_position_below_its_initial_margin_fails()
    {
        var state = Funded();

        // 500 units at 100 USD: 50,000 notional, initial margin 5,000; equity 10,000. Exactly 5,000 may go.
        AssertApplied(state.Apply(Trade(Alice, 1, 500 * (long)Unit, 100 * Usd), Verifier));
        AssertApplied(state.Apply(Deposit(Alice, 2, 5_000 * Usd), Verifier));
        var before = Balances(state);
        var refused = state.Apply(Deposit(Alice, 3, 1), Verifier);
        Assert.Equal("failed", refused.Outcome);
        Assert.StartsWith("insufficient margin", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(before, Balances(state));

        // Back 1,000, then the price falls to 99: equity 6,000 - 500 = 5,500, margin 4,950. The loss counts too:
        // 600 cannot go although the collateral holds it, 550 can.
        AssertApplied(state.Apply(Withdraw(Alice, 4, 1_000 * Usd), Verifier));
        state.OnOracleUpdate(99 * Usd, Start + 1);
        Assert.StartsWith("insufficient margin", state.Apply(Deposit(Alice, 5, 600 * Usd), Verifier).Reason, StringComparison.Ordinal);
        AssertApplied(state.Apply(Deposit(Alice, 6, 550 * Usd), Verifier));
        Assert.Equal((5_450 * Usd, 4_550 * Usd), (state.Find(Alice.PublicKey)!.Collateral, state.Find(Alice.PublicKey)!.AuctionDeposit));
        PerpsStateTests.AssertConserved(state);
    }

    [Fact]
    public void A_result_moves_the_price_from_the_winners_deposit_into_the_auction_pool()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Alice, 1, 1_000 * Usd), Verifier));

        var result = state.Apply(Result(Alice.PublicKey, 300 * Usd), Verifier);
        AssertApplied(result);
        Assert.Equal(300 * Usd, result.Amount);
        Assert.Equal((9_000 * Usd, 700 * Usd, 300 * Usd), (state.Find(Alice.PublicKey)!.Collateral, state.Find(Alice.PublicKey)!.AuctionDeposit, state.AuctionPool));
        Assert.Equal(2UL, state.Find(Alice.PublicKey)!.Nonce);
        PerpsStateTests.AssertConserved(state);

        // No winner: nothing moves. A winner without an account: nothing moves and no account opens.
        var root = state.StateRoot();
        AssertApplied(state.Apply(Result(null, 0), Verifier));
        Assert.Equal(0UL, state.Apply(Result(Carol.PublicKey, 50 * Usd), Verifier).Amount);
        Assert.Null(state.Find(Carol.PublicKey));
        Assert.Equal(root, state.StateRoot());

        // A price above the deposit (the stage never writes one): what the deposit holds moves, and no more.
        var shortfall = state.Apply(Result(Alice.PublicKey, 1_000 * Usd), Verifier);
        AssertApplied(shortfall);
        Assert.Equal(700 * Usd, shortfall.Amount);
        Assert.Equal((9_000 * Usd, 0UL, 1_000 * Usd), (state.Find(Alice.PublicKey)!.Collateral, state.Find(Alice.PublicKey)!.AuctionDeposit, state.AuctionPool));
        PerpsStateTests.AssertConserved(state);
    }

    [Fact]
    public void A_settlement_pays_each_share_from_the_pool_opening_accounts_and_conservation_holds_throughout()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Alice, 1, 1_000 * Usd), Verifier));
        AssertApplied(state.Apply(Result(Alice.PublicKey, 300 * Usd), Verifier));
        PerpsStateTests.AssertConserved(state);

        var settlement = state.Apply(Settlement(300 * Usd, new(Bob.PublicKey, 200 * Usd), new(Carol.PublicKey, 99 * Usd), new(Alice.PublicKey, 1 * Usd)), Verifier);
        AssertApplied(settlement);
        Assert.Equal(300 * Usd, settlement.Amount);
        Assert.Equal(0UL, state.AuctionPool);
        Assert.Equal(10_200 * Usd, state.Find(Bob.PublicKey)!.Collateral);
        Assert.Equal(9_001 * Usd, state.Find(Alice.PublicKey)!.Collateral);
        var carol = state.Find(Carol.PublicKey)!;
        Assert.Equal((99 * Usd, 0UL, 0UL, false), (carol.Collateral, carol.AuctionDeposit, carol.Nonce, carol.Fauceted));
        PerpsStateTests.AssertConserved(state);

        // The pool falls short (it holds 100, the record pays 250): shares are paid in order while it lasts, no account
        // opens for nothing, and the pool never goes below 0.
        AssertApplied(state.Apply(Result(Alice.PublicKey, 100 * Usd), Verifier));
        var partial = state.Apply(Settlement(250 * Usd, new(Bob.PublicKey, 80 * Usd), new(Alice.PublicKey, 50 * Usd), new(Dave.PublicKey, 120 * Usd)), Verifier);
        Assert.Equal(100 * Usd, partial.Amount);
        Assert.Equal((10_280 * Usd, 9_021 * Usd, 0UL), (state.Find(Bob.PublicKey)!.Collateral, state.Find(Alice.PublicKey)!.Collateral, state.AuctionPool));
        Assert.Null(state.Find(Dave.PublicKey));
        PerpsStateTests.AssertConserved(state);
    }

    [Fact]
    public void What_a_full_collateral_or_a_full_rollup_cannot_take_stays_in_the_pool()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Alice, 1, 5_000 * Usd), Verifier));
        AssertApplied(state.Apply(Result(Alice.PublicKey, 5_000 * Usd), Verifier));

        // Bob's collateral 10 micro-USD below the cap (written into the encoding: it sits right after his key).
        var bytes = state.Encode();
        var at = bytes.AsSpan().IndexOf(Bob.PublicKey.ToArray()) + PublicKey.Size;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), PerpsState.CollateralMax - 10);
        state = PerpsState.Decode(bytes);
        var total = Total(state);

        var capped = state.Apply(Settlement(100, new(Bob.PublicKey, 60), new(Alice.PublicKey, 40)), Verifier);
        Assert.Equal(50UL, capped.Amount);
        Assert.Equal(PerpsState.CollateralMax, state.Find(Bob.PublicKey)!.Collateral);
        Assert.Equal((5_000 * Usd) - 50, state.AuctionPool);
        Assert.Equal(total, Total(state));

        // Fill the rollup to its last account through settlements of 1 micro-USD a share; the next new user gets nothing.
        var filler = 0;
        while (state.AccountCount < PerpsState.AccountsMax)
        {
            var shares = Enumerable.Range(0, Math.Min(AuctionRecord.SharesMax, PerpsState.AccountsMax - state.AccountCount))
                .Select(_ => new RebateShare(KeyOf(filler++), 1)).ToArray();
            AssertApplied(state.Apply(Settlement((ulong)shares.Length, shares), Verifier));
        }

        var pool = state.AuctionPool;
        var full = state.Apply(Settlement(30, new(KeyOf(filler), 10), new(Alice.PublicKey, 20)), Verifier);
        Assert.Equal(20UL, full.Amount);
        Assert.Null(state.Find(KeyOf(filler)));
        Assert.Equal(pool - 20, state.AuctionPool);
        Assert.Equal(PerpsState.AccountsMax, state.AccountCount);
        Assert.Equal(total, Total(state));

        static PublicKey KeyOf(int i)
        {
            var key = new byte[PublicKey.Size];
            BinaryPrimitives.WriteInt32LittleEndian(key, i + 1);
            key[^1] = 0xAA;
            return new PublicKey(key);
        }

        static Int128 Total(PerpsState s) => s.Accounts.Aggregate((Int128)0, (sum, a) => sum + a.Value.Collateral + a.Value.AuctionDeposit) + s.AuctionPool + s.Pool;
    }

    [Fact]
    public void A_record_for_another_namespace_or_a_malformed_one_changes_nothing()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Alice, 1, 1_000 * Usd), Verifier));
        var root = state.StateRoot();
        var record = Result(Alice.PublicKey, 300 * Usd);

        var foreign = state.Apply(Result(Alice.PublicKey, 300 * Usd, ns: Namespace + 1), Verifier);
        Assert.Equal("skipped", foreign.Outcome);
        Assert.Contains($"namespace {Namespace + 1}", foreign.Reason, StringComparison.Ordinal);
        Assert.Equal("skipped", state.Apply(AuctionRecord.Settlement(Namespace + 1, 7, Alice.PublicKey, 1, [new(Bob.PublicKey, 1)]).Encode(), Verifier).Outcome);

        byte[][] malformed =
        [
            [.. AuctionRecord.Magic],
            [.. AuctionRecord.Magic, .. "junk"u8],
            record[..^1],
            [.. record, 0],
            [.. AuctionRecord.Magic, 2, .. record[(AuctionRecord.Magic.Length + 1)..]],
        ];
        foreach (var payload in malformed)
        {
            var receipt = state.Apply(payload, Verifier);
            Assert.Equal(("skipped", "a malformed auction record"), (receipt.Outcome, receipt.Reason));
        }

        Assert.Equal(root, state.StateRoot());

        // The well-formed record itself does apply (so what changed nothing above was the namespace or the malformation).
        AssertApplied(state.Apply(record, Verifier));
        Assert.NotEqual(root, state.StateRoot());
    }

    [Fact]
    public void Records_in_the_perps_stream_reach_perps_through_the_market_and_are_nothing_to_options()
    {
        var market = new MarketState(OracleNs, Namespace, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        var receipts = market.ApplyHeight(
            Payloads(Tx(OracleNs, Feeder, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(100 * Usd, Start))),
            Payloads(Tx(Namespace, Alice, 0, PerpsKind.Faucet), Deposit(Alice, 1, 1_000 * Usd), Result(Alice.PublicKey, 400 * Usd)),
            Payloads(Result(Alice.PublicKey, 400 * Usd, ns: OptionsNs)),
            Verifier);

        Assert.All(receipts.Perps, AssertApplied);
        Assert.Equal(400 * Usd, receipts.Perps[2].Amount);
        Assert.Equal((600 * Usd, 400 * Usd), (market.Perps.Find(Alice.PublicKey)!.AuctionDeposit, market.Perps.AuctionPool));
        Assert.Equal(("skipped", "not an options transaction"), (receipts.Options[0].Outcome, receipts.Options[0].Reason));

        market.ApplyHeight([], Payloads(Settlement(400 * Usd, new RebateShare(Bob.PublicKey, 400 * Usd))), [], Verifier);
        Assert.Equal((400 * Usd, 0UL), (market.Perps.Find(Bob.PublicKey)!.Collateral, market.Perps.AuctionPool));
        PerpsStateTests.AssertConserved(market.Perps);
    }

    [Fact]
    public void The_view_runs_the_market_over_outputs_and_reads_deposits_and_users()
    {
        var view = new PerpsAuctionView(OracleNs, Namespace, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        var market = new MarketState(OracleNs, Namespace, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        var faucet = Tx(Namespace, Alice, 0, PerpsKind.Faucet);

        // Height 1: the price, then (in this order) Alice's faucet and deposit; Bob's deposit before his faucet fails.
        // The foreign namespace's payload is Alice's deposit signed for perps: applied, it would deposit a second time.
        var first = Output(1, Hash.Zero,
            (Namespace, faucet), (Namespace, Deposit(Alice, 1, 1_000 * Usd)), (Namespace, Deposit(Bob, 0, 1_000 * Usd)),
            (Namespace, Tx(Namespace, Bob, 1, PerpsKind.Faucet)),
            (OracleNs, Tx(OracleNs, Feeder, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(100 * Usd, Start))),
            (ForeignNs, Deposit(Alice, 2, 1_000 * Usd)));
        view.Apply(first);
        Assert.Equal(1UL, view.Height);
        Assert.Equal(1_000 * Usd, view.DepositOf(Alice.PublicKey));
        Assert.Equal(0UL, view.DepositOf(Bob.PublicKey));
        Assert.Equal(0UL, view.DepositOf(Carol.PublicKey));
        Assert.Equal(10_000 * Usd, view.Market.Perps.Find(Bob.PublicKey)!.Collateral);

        // Height 2: the stage's result record; the market fed the same streams directly agrees.
        var second = Output(2, first.Header.Hash, (Namespace, Result(Alice.PublicKey, 250 * Usd)), (Namespace, Deposit(Bob, 2, 300 * Usd)));
        view.Apply(second);
        Assert.Equal(750 * Usd, view.DepositOf(Alice.PublicKey));
        Assert.Equal(300 * Usd, view.DepositOf(Bob.PublicKey));

        market.ApplyHeight(
            Payloads(Tx(OracleNs, Feeder, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(100 * Usd, Start))),
            Payloads(faucet, Deposit(Alice, 1, 1_000 * Usd), Deposit(Bob, 0, 1_000 * Usd), Tx(Namespace, Bob, 1, PerpsKind.Faucet)),
            [],
            Verifier);
        market.ApplyHeight([], Payloads(Result(Alice.PublicKey, 250 * Usd), Deposit(Bob, 2, 300 * Usd)), [], Verifier);
        Assert.Equal(market.StateRoot(), view.Market.StateRoot());

        // A height again, or an earlier one, would charge twice: refused, nothing applied.
        Assert.Throws<ArgumentException>(() => view.Apply(second));
        Assert.Equal(market.StateRoot(), view.Market.StateRoot());

        // Users: the signer of any rollup transaction, valid or not; nobody for records, envelopes or junk.
        Assert.Equal(Alice.PublicKey, view.UserOf(faucet));
        Assert.Equal(Bob.PublicKey, view.UserOf(Tx(Namespace, Bob, 99, 200, [1, 2, 3])));
        Assert.Equal(Bob.PublicKey, view.UserOf(Forged(Deposit(Bob, 5, 1))));
        Assert.Null(view.UserOf(Result(Alice.PublicKey, 1)));
        Assert.Null(view.UserOf("junk"u8));
        Assert.Null(view.UserOf([]));
        Assert.Null(view.UserOf(BundleEnvelope.Build([
            new BundleLegRequest(Namespace, PerpsKind.Trade, 3, PerpsState.TradeBody(1, 100 * Usd), Alice),
            new BundleLegRequest(OptionsNs, 3, 0, [], Alice),
        ])[0]));
    }

    [Fact]
    public void The_state_round_trips_with_deposits_and_the_pool_and_decoding_stays_strict()
    {
        var state = Funded();
        AssertApplied(state.Apply(Deposit(Alice, 1, 1_000 * Usd), Verifier));
        AssertApplied(state.Apply(Deposit(Bob, 1, 2_000 * Usd), Verifier));
        AssertApplied(state.Apply(Result(Alice.PublicKey, 300 * Usd), Verifier));

        var bytes = state.Encode();
        var decoded = PerpsState.Decode(bytes);
        Assert.Equal(bytes, decoded.Encode());
        Assert.Equal(state.StateRoot(), decoded.StateRoot());
        Assert.Equal((700 * Usd, 2_000 * Usd, 300 * Usd), (decoded.Find(Alice.PublicKey)!.AuctionDeposit, decoded.Find(Bob.PublicKey)!.AuctionDeposit, decoded.AuctionPool));
        PerpsStateTests.AssertConserved(decoded);

        // The new fields are in the root: the same state but for one micro-USD moved between them has another.
        var other = PerpsState.Decode(bytes);
        AssertApplied(other.Apply(Result(Bob.PublicKey, 1), Verifier));
        Assert.NotEqual(state.StateRoot(), other.StateRoot());

        Assert.Throws<EncodingException>(() => PerpsState.Decode([.. bytes, 0]));
        Assert.Throws<EncodingException>(() => PerpsState.Decode(bytes[..^1]));

        // A deposit above the collateral cap: right after the collateral, after the key.
        var tampered = (byte[])bytes.Clone();
        var at = tampered.AsSpan().IndexOf(Alice.PublicKey.ToArray()) + PublicKey.Size + 8;
        Assert.Equal(700 * Usd, BinaryPrimitives.ReadUInt64LittleEndian(tampered.AsSpan(at)));
        BinaryPrimitives.WriteUInt64LittleEndian(tampered.AsSpan(at), PerpsState.CollateralMax + 1);
        Assert.Throws<EncodingException>(() => PerpsState.Decode(tampered));

        // The layout before deposits (v1) is not read as this one.
        var v1 = (byte[])bytes.Clone();
        v1["fairway/rollup/perps/state/v2".Length - 1] = (byte)'1';
        Assert.Throws<EncodingException>(() => PerpsState.Decode(v1));
    }

    [Fact]
    public void The_perps_executor_shows_the_deposit_per_account_and_the_pool_in_its_summary()
    {
        var machine = RollupMachine.Market("perps", OracleNs, Namespace, OptionsNs, Feeder.PublicKey, Maker.PublicKey);
        machine.ApplyHeight(
            new Dictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>>
            {
                [OracleNs] = Payloads(Tx(OracleNs, Feeder, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(100 * Usd, Start))),
                [Namespace] = Payloads(Tx(Namespace, Alice, 0, PerpsKind.Faucet), Deposit(Alice, 1, 1_000 * Usd), Result(Alice.PublicKey, 150 * Usd)),
            },
            Verifier);

        var account = machine.Account(Alice.PublicKey)!;
        Assert.Equal(850 * Usd, account["auction_deposit"]);
        Assert.Equal(9_000 * Usd, account["collateral"]);
        Assert.Equal(150 * Usd, machine.Summary()["auction_pool"]);
    }

    /// <summary>An output of these transactions (grouped by namespace, ascending, each in the order given) at a height.</summary>
    private static BlockOutput Output(ulong height, Hash previous, params (ulong Namespace, byte[] Payload)[] transactions)
    {
        var ordered = transactions.Select(t => new Transaction(t.Namespace, t.Payload)).OrderBy(t => t.Namespace).ToList();
        var header = OutputHeader.Over(ChainId, height, Hash.Compute(BitConverter.GetBytes(height)), previous, ordered);
        return new BlockOutput(header, ordered, [.. ordered.Select((_, i) => new OutputSource(0, i))]);
    }
}
