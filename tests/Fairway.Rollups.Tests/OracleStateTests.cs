using Fairway.Rollups.Oracle;
using static Fairway.Rollups.Tests.RollupTestKit;

namespace Fairway.Rollups.Tests;

/// <summary>The oracle rollup: only its feeder moves the price, and its clock only goes forward.</summary>
public sealed class OracleStateTests
{
    private const ulong Namespace = 21;

    private static byte[] Update(Fairway.Crypto.Ed25519Signer who, ulong nonce, ulong price, ulong timestamp) =>
        Tx(Namespace, who, nonce, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(price, timestamp));

    [Fact]
    public void Only_the_feeder_moves_the_price_and_its_timestamps_must_increase()
    {
        var oracle = new OracleState(Namespace, Feeder.PublicKey);
        Assert.True(oracle.Apply(Update(Feeder, 0, 100 * Usd, 1_000), Verifier).IsApplied);
        Assert.Equal((100 * Usd, 1_000UL, 1UL), (oracle.Price, oracle.Timestamp, oracle.UpdateCount));

        // Anyone else, even with a valid signature and the feeder's next nonce, is skipped and changes nothing.
        var root = oracle.StateRoot();
        var stranger = oracle.Apply(Update(Alice, 1, 1 * Usd, 2_000), Verifier);
        Assert.Equal("skipped", stranger.Outcome);
        Assert.Equal("not the feeder", stranger.Reason);
        Assert.Equal(root, oracle.StateRoot());

        // The same or an earlier timestamp fails: the feeder's nonce is used, the price stays.
        var same = oracle.Apply(Update(Feeder, 1, 101 * Usd, 1_000), Verifier);
        Assert.Equal("failed", same.Outcome);
        Assert.Contains("not after", same.Reason, StringComparison.Ordinal);
        Assert.Equal("failed", oracle.Apply(Update(Feeder, 2, 101 * Usd, 999), Verifier).Outcome);
        Assert.Equal("failed", oracle.Apply(Update(Feeder, 3, 0, 5_000), Verifier).Outcome);
        Assert.Equal("failed", oracle.Apply(Update(Feeder, 4, OracleState.PriceMax + 1, 5_000), Verifier).Outcome);
        Assert.Equal((100 * Usd, 1_000UL, 1UL, 5UL), (oracle.Price, oracle.Timestamp, oracle.UpdateCount, oracle.FeederNonce));

        // A later one applies.
        Assert.True(oracle.Apply(Update(Feeder, 5, 99 * Usd, 1_001), Verifier).IsApplied);
        Assert.Equal((99 * Usd, 1_001UL, 2UL), (oracle.Price, oracle.Timestamp, oracle.UpdateCount));
    }

    [Fact]
    public void Forged_replayed_malformed_and_foreign_updates_are_skipped_or_fail_and_the_state_round_trips()
    {
        var oracle = new OracleState(Namespace, Feeder.PublicKey);
        var first = Update(Feeder, 0, 100 * Usd, 1_000);
        Assert.Equal("skipped", oracle.Apply(Forged(first), Verifier).Outcome);
        Assert.Equal("skipped", oracle.Apply(Tx(Namespace + 1, Feeder, 0, OracleKind.PriceUpdate, OracleState.PriceUpdateBody(1, 1)), Verifier).Outcome);
        Assert.Equal("skipped", oracle.Apply("junk"u8, Verifier).Outcome);
        Assert.Equal("skipped", oracle.Apply(Update(Feeder, 7, 100 * Usd, 1_000), Verifier).Outcome);
        Assert.Equal(new OracleState(Namespace, Feeder.PublicKey).StateRoot(), oracle.StateRoot());

        Assert.True(oracle.Apply(first, Verifier).IsApplied);
        Assert.Equal("skipped", oracle.Apply(first, Verifier).Outcome);
        Assert.Equal("failed", oracle.Apply(Tx(Namespace, Feeder, 1, OracleKind.PriceUpdate, [1, 2, 3]), Verifier).Outcome);
        Assert.Equal("failed", oracle.Apply(Tx(Namespace, Feeder, 2, 9), Verifier).Outcome);

        var decoded = OracleState.Decode(oracle.Encode());
        Assert.Equal(oracle.Encode(), decoded.Encode());
        Assert.Equal((oracle.Price, oracle.Timestamp, oracle.FeederNonce), (decoded.Price, decoded.Timestamp, decoded.FeederNonce));
        Assert.Throws<Fairway.Core.Encoding.EncodingException>(() => OracleState.Decode(oracle.Encode()[..^1]));
    }
}
