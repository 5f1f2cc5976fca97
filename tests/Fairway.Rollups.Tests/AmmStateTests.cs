using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;

namespace Fairway.Rollups.Tests;

/// <summary>The AMM rollup as a deterministic state machine over its namespace's payloads.</summary>
public sealed class AmmStateTests
{
    private const ulong Namespace = 11;

    private static readonly Ed25519Signer Alice = Ed25519Signer.FromSeedPhrase("amm-alice");
    private static readonly Ed25519Signer Bob = Ed25519Signer.FromSeedPhrase("amm-bob");
    private static readonly ISignatureVerifier Verifier = Ed25519Verifier.Instance;

    private static byte[] Tx(Ed25519Signer who, ulong nonce, byte kind, byte[]? body = null, ulong ns = Namespace) =>
        RollupTransaction.Sign(ns, kind, nonce, body ?? [], who).Encode();

    /// <summary>Alice and Bob draw from the faucet; Alice seeds the pool with 1e9 A and 2e9 B.</summary>
    private static List<byte[]> Opening() =>
    [
        Tx(Alice, 0, AmmKind.Faucet),
        Tx(Bob, 0, AmmKind.Faucet),
        Tx(Alice, 1, AmmKind.AddLiquidity, AmmState.AddLiquidityBody(1_000_000_000, 2_000_000_000)),
    ];

    private static AmmState Run(IEnumerable<byte[]> payloads, out List<RollupReceipt> receipts)
    {
        var state = new AmmState(Namespace);
        receipts = [.. payloads.Select(p => state.Apply(p, Verifier))];
        return state;
    }

    [Fact]
    public void Two_executors_fed_the_same_stream_reach_the_same_root_and_order_matters()
    {
        var stream = Opening().Concat([
            Tx(Bob, 1, AmmKind.Swap, AmmState.SwapBody(sellA: true, 10_000_000, 0)),
            Tx(Alice, 2, AmmKind.Swap, AmmState.SwapBody(sellA: false, 5_000_000, 0)),
        ]).ToList();

        var first = Run(stream, out var receipts);
        var second = Run(stream, out _);
        Assert.All(receipts, r => Assert.Equal("applied", r.Outcome));
        Assert.Equal(first.StateRoot(), second.StateRoot());

        // The same transactions, the two swaps swapped: another state, another root.
        var reordered = Run([.. stream.Take(3), stream[4], stream[3]], out var reorderedReceipts);
        Assert.All(reorderedReceipts, r => Assert.Equal("applied", r.Outcome));
        Assert.NotEqual(first.StateRoot(), reordered.StateRoot());
    }

    [Fact]
    public void A_swap_pays_what_the_pool_arithmetic_says_and_the_product_never_falls()
    {
        var state = Run(Opening(), out _);
        var (x, y) = (state.ReserveA, state.ReserveB);

        var receipt = state.Apply(Tx(Bob, 1, AmmKind.Swap, AmmState.SwapBody(sellA: true, 10_000_000, 0)), Verifier);

        Assert.Equal("applied", receipt.Outcome);
        Assert.Equal((ulong)ConstantProduct.AmountOut(10_000_000, x, y, AmmState.FeePpm), receipt.Amount);
        Assert.Equal(AmmState.FaucetAmount + receipt.Amount, state.Find(Bob.PublicKey)!.B);
        Assert.Equal(AmmState.FaucetAmount - 10_000_000, state.Find(Bob.PublicKey)!.A);
        Assert.True(new System.Numerics.BigInteger(state.ReserveA) * state.ReserveB >= new System.Numerics.BigInteger(x) * y);
    }

    [Fact]
    public void A_swap_below_its_minimum_fails_uses_its_nonce_and_changes_nothing_else()
    {
        var state = Run(Opening(), out _);
        var before = (state.ReserveA, state.ReserveB, state.Find(Bob.PublicKey)!.A, state.Find(Bob.PublicKey)!.B);
        var quote = (ulong)ConstantProduct.AmountOut(10_000_000, state.ReserveA, state.ReserveB, AmmState.FeePpm);

        var receipt = state.Apply(Tx(Bob, 1, AmmKind.Swap, AmmState.SwapBody(sellA: true, 10_000_000, quote + 1)), Verifier);

        Assert.Equal("failed", receipt.Outcome);
        Assert.Contains("slippage", receipt.Reason, StringComparison.Ordinal);
        Assert.Equal(before, (state.ReserveA, state.ReserveB, state.Find(Bob.PublicKey)!.A, state.Find(Bob.PublicKey)!.B));
        Assert.Equal(2UL, state.Find(Bob.PublicKey)!.Nonce);

        // At exactly its minimum it goes through.
        Assert.Equal("applied", state.Apply(Tx(Bob, 2, AmmKind.Swap, AmmState.SwapBody(sellA: true, 10_000_000, quote)), Verifier).Outcome);
    }

    [Fact]
    public void Forged_replayed_malformed_and_out_of_order_transactions_are_skipped_and_change_nothing()
    {
        var state = Run(Opening(), out _);
        var root = state.StateRoot();
        var swap = Tx(Bob, 1, AmmKind.Swap, AmmState.SwapBody(sellA: true, 1_000, 0));
        var forged = (byte[])swap.Clone();
        forged[^1] ^= 1;

        Assert.Equal("skipped", state.Apply(forged, Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Tx(Bob, 1, AmmKind.Swap, AmmState.SwapBody(true, 1_000, 0), ns: Namespace + 1), Verifier).Outcome);
        Assert.Equal("skipped", state.Apply("not a transaction"u8, Verifier).Outcome);
        Assert.Equal("skipped", state.Apply([.. swap, 0], Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(Tx(Bob, 5, AmmKind.Swap, AmmState.SwapBody(true, 1_000, 0)), Verifier).Outcome);
        Assert.Equal(root, state.StateRoot());

        // The real one applies once; the same bytes again are a used nonce.
        Assert.Equal("applied", state.Apply(swap, Verifier).Outcome);
        Assert.Equal("skipped", state.Apply(swap, Verifier).Outcome);
    }

    [Fact]
    public void Bad_bodies_and_overdrafts_fail_and_the_faucet_gives_once()
    {
        var state = Run(Opening(), out _);
        Assert.Equal("failed", state.Apply(Tx(Bob, 1, AmmKind.Swap, [1, 2, 3]), Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Bob, 2, AmmKind.Swap, AmmState.SwapBody(true, AmmState.FaucetAmount + 1, 0)), Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Bob, 3, AmmKind.Faucet), Verifier).Outcome);
        Assert.Equal("failed", state.Apply(Tx(Bob, 4, 99), Verifier).Outcome);
        Assert.Equal(AmmState.FaucetAmount, state.Find(Bob.PublicKey)!.A);
        Assert.Equal(5UL, state.Find(Bob.PublicKey)!.Nonce);
    }
}
