using System.Buffers.Binary;
using Fairway.Core.Encoding;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Dkg;

public sealed class DkgEncodingTests
{
    // ℓ, the group order, little-endian: the smallest non-canonical scalar encoding.
    private static readonly byte[] Order = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    // RFC 9496 A.2: not the encoding of any element.
    private static readonly byte[] NotAnElement = Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000");

    // n = 4, t = 2: version, dealer, count, two commitments, E, count, four shares.
    private const int FirstCommitment = 1 + 2 + 4;
    private const int EphemeralAt = FirstCommitment + (2 * 32);
    private const int FirstShare = EphemeralAt + 32 + 4;

    // Complaint: version, complainer, dealer, dealing id, K, challenge, response.
    private const int SharedPointAt = 1 + 2 + 2 + 32;

    [Fact]
    public void A_dealing_round_trips_with_its_id()
    {
        var kit = DkgKit.Create(4, 2);
        var dealing = DkgKit.WithBadShare(kit.Dealings[1], 3);
        var bytes = Canonical.Encode(dealing);
        Assert.Equal(FirstShare + (4 * 32), bytes.Length);
        var decoded = Canonical.Decode(bytes, Dealing.Decode, "dealing");
        Assert.Equal(bytes, Canonical.Encode(decoded));
        Assert.Equal(dealing.Id, decoded.Id);
        Assert.Equal(dealing.Dealer, decoded.Dealer);
        Assert.Equal(dealing.Commitments, decoded.Commitments);
        Assert.Equal(dealing.Ephemeral, decoded.Ephemeral);
        Assert.Equal(dealing.EncryptedShares, decoded.EncryptedShares);
        Assert.NotEqual(kit.Dealings[1].Id, dealing.Id);
    }

    [Fact]
    public void A_complaint_round_trips_and_still_checks()
    {
        var kit = DkgKit.Create(4, 2);
        var bad = DkgKit.WithBadShare(kit.Dealings[1], 3);
        var complaint = Complaint.Create(kit.Parameters, bad, 3, kit.Keys[3]);
        var bytes = Canonical.Encode(complaint);
        Assert.Equal(SharedPointAt + (3 * 32), bytes.Length);
        var decoded = Canonical.Decode(bytes, Complaint.Decode, "complaint");
        Assert.Equal(bytes, Canonical.Encode(decoded));
        Assert.Equal(complaint.Id, decoded.Id);
        Assert.Equal(complaint.Proof, decoded.Proof);
        Assert.Null(decoded.Check(kit.Parameters, Canonical.Decode(Canonical.Encode(bad), Dealing.Decode, "dealing")));
    }

    [Fact]
    public void A_result_round_trips_with_its_key_set_id()
    {
        var kit = DkgKit.Create(7, 3);
        var dealings = kit.Dealings.ToList();
        dealings[4] = DkgKit.WithBadShare(dealings[4], 0);
        var result = DkgTranscript.Finish(kit.Parameters, dealings, kit.HonestComplaints(dealings)).Result;
        var decoded = Canonical.Decode(Canonical.Encode(result), DkgResult.Decode, "result");
        Assert.Equal(result.KeySetId, decoded.KeySetId);
        Assert.Equal(result.Qualified, decoded.Qualified);
        Assert.Equal(result.PublicKey, decoded.PublicKey);
        Assert.Equal(result.VerificationKeys, decoded.VerificationKeys);
        Assert.Equal(kit.Parameters.Context.ToArray(), decoded.Context.ToArray());
        Assert.Equal(Fairway.Core.Crypto.Hash.Compute(Canonical.Encode(result)), result.KeySetId);
    }

    [Theory]
    [InlineData(FirstShare)]
    [InlineData(FirstShare + (3 * 32))]
    public void A_dealing_with_a_non_canonical_encrypted_share_is_refused(int offset)
    {
        var bytes = Canonical.Encode(DkgKit.Create(4, 2).Dealings[0]);
        Order.CopyTo(bytes, offset);
        var refused = Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Dealing.Decode, "dealing"));
        Assert.Contains("dealing encrypted share: not a canonical scalar", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FirstCommitment, "dealing commitment")]
    [InlineData(FirstCommitment + 32, "dealing commitment")]
    [InlineData(EphemeralAt, "dealing ephemeral key")]
    public void A_dealing_with_an_invalid_group_element_is_refused(int offset, string what)
    {
        var bytes = Canonical.Encode(DkgKit.Create(4, 2).Dealings[0]);
        NotAnElement.CopyTo(bytes, offset);
        var refused = Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Dealing.Decode, "dealing"));
        Assert.Equal($"{what}: not a ristretto255 element", refused.Message);
    }

    [Fact]
    public void A_complaint_with_an_invalid_shared_point_or_non_canonical_proof_is_refused()
    {
        var kit = DkgKit.Create(4, 2);
        var bytes = Canonical.Encode(Complaint.Create(kit.Parameters, kit.Dealings[0], 1, kit.Keys[1]));
        foreach (var (offset, patch) in new[] { (SharedPointAt, NotAnElement), (SharedPointAt + 32, Order), (SharedPointAt + 64, Order) })
        {
            var copy = (byte[])bytes.Clone();
            patch.CopyTo(copy, offset);
            Assert.Throws<EncodingException>(() => Canonical.Decode(copy, Complaint.Decode, "complaint"));
        }
    }

    [Fact]
    public void Counts_above_the_bounds_are_refused()
    {
        // Commitments and shares: at most one per validator of the largest session.
        var tooManyCommitments = new CanonicalWriter();
        tooManyCommitments.WriteU8(Dealing.Version);
        tooManyCommitments.WriteU16(0);
        tooManyCommitments.WriteCount(DkgParameters.MaxValidators + 1);
        var refused = Assert.Throws<EncodingException>(() => Canonical.Decode(tooManyCommitments.ToArray(), Dealing.Decode, "dealing"));
        Assert.Equal("dealing commitments: count 257 exceeds the limit 256", refused.Message);

        var bytes = Canonical.Encode(DkgKit.Create(4, 2).Dealings[0]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(FirstShare - 4), DkgParameters.MaxValidators + 1);
        refused = Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Dealing.Decode, "dealing"));
        Assert.Equal("dealing shares: count 257 exceeds the limit 256", refused.Message);

        // A result's context.
        var longContext = new CanonicalWriter();
        longContext.WriteU8(DkgResult.Version);
        longContext.WriteBytes(new byte[DkgParameters.MaxContextLength + 1]);
        Assert.Throws<EncodingException>(() => Canonical.Decode(longContext.ToArray(), DkgResult.Decode, "result"));

        // And nothing above the bounds can be built to be encoded.
        var d = DkgKit.Create(4, 2).Dealings[0];
        Assert.Throws<ArgumentException>(() => new Dealing(0, d.Commitments, d.Ephemeral, [.. Enumerable.Repeat(Scalar.One, 257)]));
    }

    [Fact]
    public void Wrong_versions_truncation_and_trailing_bytes_are_refused()
    {
        var bytes = Canonical.Encode(DkgKit.Create(4, 2).Dealings[0]);
        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[0] = 2;
        Assert.Throws<EncodingException>(() => Canonical.Decode(wrongVersion, Dealing.Decode, "dealing"));
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes.AsSpan(0, bytes.Length - 1), Dealing.Decode, "dealing"));
        Assert.Throws<EncodingException>(() => Canonical.Decode([.. bytes, 0], Dealing.Decode, "dealing"));
    }

    [Fact]
    public void A_result_whose_shape_is_impossible_is_refused()
    {
        var kit = DkgKit.Create(4, 2);
        var result = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []).Result;
        var contextLength = kit.Parameters.Context.Length;
        var thresholdAt = 1 + 4 + contextLength;
        var firstDealerAt = thresholdAt + 2 + 4;

        byte[] Patched(int offset, ushort value)
        {
            var bytes = Canonical.Encode(result);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), value);
            return bytes;
        }

        Assert.Throws<EncodingException>(() => Canonical.Decode(Patched(thresholdAt, 0), DkgResult.Decode, "result"));
        Assert.Throws<EncodingException>(() => Canonical.Decode(Patched(thresholdAt, 5), DkgResult.Decode, "result"));

        // Qualified dealers 1, 1, 2, 3: not strictly ascending.
        Assert.Throws<EncodingException>(() => Canonical.Decode(Patched(firstDealerAt, 1), DkgResult.Decode, "result"));

        // Qualified dealers 0, 1, 2, 4 for four validators: out of range.
        Assert.Throws<EncodingException>(() => Canonical.Decode(Patched(firstDealerAt + 6, 4), DkgResult.Decode, "result"));
    }

    [Fact]
    public void Transport_keys_are_derived_deterministically_from_their_seed()
    {
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var key = DkgTransportKey.FromSeed(seed);
        Assert.Equal(key.PublicKey, DkgTransportKey.FromSeed(seed).PublicKey);
        Assert.Equal(GroupElement.MultiplyBase(Scalar.Hash("fairway/dkg/transport-key", seed)), key.PublicKey);
        seed[0] ^= 1;
        Assert.NotEqual(key.PublicKey, DkgTransportKey.FromSeed(seed).PublicKey);
        Assert.Throws<ArgumentException>(() => DkgTransportKey.FromSeed(new byte[31]));
        Assert.Equal($"DkgTransportKey({key.PublicKey.ToHex()})", key.ToString());
    }
}
