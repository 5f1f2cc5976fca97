using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;

namespace Fairway.Core.Tests;

/// A block naming an L1 block: its own encoding, the reference in the hash, one encoding per block.
public class L1ReferenceBlockTests
{
    private static readonly Hash ChainId = Hash.Compute("l1 reference blocks"u8);
    private static readonly QuorumCertificate Parent = new(3, Hash.Compute("parent"u8), []);
    private static readonly L1Reference Reference = new(1_234, Hash.Compute("an L1 block"u8));

    [Fact]
    public void A_block_with_an_L1_reference_round_trips_in_version_4_and_the_reference_is_part_of_its_hash()
    {
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference);
        var bytes = Canonical.Encode(block);
        Assert.Equal(Block.L1Version, bytes[0]);
        var back = Canonical.Decode(bytes, Block.Decode, "block");
        Assert.Equal(Reference, back.L1);
        Assert.Equal(block.Hash, back.Hash);
        Assert.Equal(bytes, Canonical.Encode(back));

        var without = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)]);
        var other = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference with { Number = 1_235 });
        Assert.Equal(Block.Version, Canonical.Encode(without)[0]);
        Assert.NotEqual(block.Hash, without.Hash);
        Assert.NotEqual(block.Hash, other.Hash);
    }

    [Fact]
    public void A_fair_block_with_evidence_keeps_its_lists_and_evidence_beside_the_reference()
    {
        var list = new CandidateList(ChainId, 4, 0, 1_000, 0, [], new Signature(new byte[Signature.Size]));
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [], [Hash.Compute("old"u8)], [list], l1: Reference);
        var back = Canonical.Decode(Canonical.Encode(block), Block.Decode, "block");
        Assert.Equal(block.Hash, back.Hash);
        Assert.Single(back.CandidateLists);
        Assert.Equal([Hash.Compute("old"u8)], back.PayloadDigests);
        Assert.Equal(Reference, back.L1);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(0xff)]
    public void Flags_that_do_not_describe_one_encoding_are_refused(byte flags)
    {
        var bytes = Canonical.Encode(new Block(ChainId, 4, 2, 1, 5, Parent, null, [], l1: Reference));
        bytes[^1] = flags;
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Block.Decode, "block"));
    }

    [Fact]
    public void A_fair_flag_with_nothing_fair_after_it_is_refused_as_a_second_encoding()
    {
        var bytes = Canonical.Encode(new Block(ChainId, 4, 2, 1, 5, Parent, null, [], l1: Reference));
        var writer = new CanonicalWriter();
        writer.WriteRaw(bytes);
        writer.WriteCount(0);
        writer.WriteCount(0);
        var twice = writer.ToArray();
        twice[bytes.Length - 1] = 1;
        Assert.Throws<EncodingException>(() => Canonical.Decode(twice, Block.Decode, "block"));
    }
}
