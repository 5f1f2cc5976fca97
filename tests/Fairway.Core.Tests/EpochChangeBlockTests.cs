using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Core.Tests;

/// A block that ends an epoch: the change in its encoding and hash, bad changes refused, and the next epoch's domain.
public class EpochChangeBlockTests
{
    private static readonly Hash ChainId = Hash.Compute("epoch change blocks"u8);
    private static readonly QuorumCertificate Parent = new(3, Hash.Compute("parent"u8), []);
    private static readonly L1Reference Reference = new(1_234, Hash.Compute("an L1 block"u8));
    private static readonly EpochChange Change = new(7, [0, 100_000_000_000, 100_000_000_000, 5]);

    [Fact]
    public void A_block_with_an_epoch_change_round_trips_and_the_change_is_part_of_its_hash()
    {
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference, nextEpoch: Change);
        var bytes = Canonical.Encode(block);
        var back = Canonical.Decode(bytes, Block.Decode, "block");
        Assert.Equal(Change, back.NextEpoch);
        Assert.Equal(block.Hash, back.Hash);
        Assert.Equal(bytes, Canonical.Encode(back));

        var without = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference);
        var other = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference, nextEpoch: Change with { Epoch = 8 });
        Assert.Null(Canonical.Decode(Canonical.Encode(without), Block.Decode, "block").NextEpoch);
        Assert.NotEqual(block.Hash, without.Hash);
        Assert.NotEqual(block.Hash, other.Hash);
    }

    [Fact]
    public void An_epoch_change_needs_an_L1_reference_a_later_epoch_and_someone_with_stake()
    {
        Assert.Throws<ArgumentException>(() => new Block(ChainId, 4, 2, 1, 5, Parent, null, [], nextEpoch: Change));
        foreach (var bad in new[] { new EpochChange(0, [1, 1]), new EpochChange(3, [0, 0]) })
        {
            var bytes = Canonical.Encode(new Block(ChainId, 4, 2, 1, 5, Parent, null, [], l1: Reference, nextEpoch: bad));
            Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Block.Decode, "block"));
        }

        var truncated = Canonical.Encode(new Block(ChainId, 4, 2, 1, 5, Parent, null, [], l1: Reference, nextEpoch: Change))[..^8];
        Assert.Throws<EncodingException>(() => Canonical.Decode(truncated, Block.Decode, "block"));
    }

    [Fact]
    public void Each_epoch_signs_in_its_own_domain_and_its_root_certificate_has_no_signers()
    {
        Assert.Equal(ChainId, SigningDomain.EpochId(ChainId, 0));
        Assert.NotEqual(SigningDomain.EpochId(ChainId, 1), SigningDomain.EpochId(ChainId, 2));
        Assert.NotEqual(SigningDomain.EpochId(ChainId, 1), SigningDomain.EpochId(Hash.Compute("another chain"u8), 1));

        var roster = new ValidatorSet(Enumerable.Range(0, 4).Select(i => new Validator($"v{i}", new PublicKey(Hash.Compute(BitConverter.GetBytes(i)).ToArray()), 1)));
        var last = new Block(ChainId, 9, 6, 1, 5, Parent, null, [], l1: Reference, nextEpoch: Change);
        var verifier = new CertificateVerifier(ChainId, Change.Apply(roster), NoSignatures.Instance, Change.Epoch, last);
        Assert.Equal(last.Round + CertificateVerifier.EpochRoundGap, verifier.RootRound);
        Assert.True(verifier.Verify(verifier.RootCertificate, out var reason), reason);
        Assert.False(verifier.Verify(new QuorumCertificate(last.Round, last.Hash, []), out _));
        Assert.False(verifier.Verify(QuorumCertificate.Genesis(Block.Genesis(ChainId).Hash), out _));
        Assert.Throws<ArgumentException>(() => new CertificateVerifier(ChainId, roster, NoSignatures.Instance, 0, last));
        Assert.Throws<ArgumentException>(() => new CertificateVerifier(ChainId, roster, NoSignatures.Instance, 3, Block.Genesis(ChainId)));
    }

    private sealed class NoSignatures : ISignatureVerifier
    {
        public static readonly NoSignatures Instance = new();

        public bool Verify(PublicKey key, ReadOnlySpan<byte> message, Signature signature) => false;
    }
}
