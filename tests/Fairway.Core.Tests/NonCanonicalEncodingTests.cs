using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Tests;

public class NonCanonicalEncodingTests
{
    private static readonly Hash SomeHash = Hash.Compute("some block"u8);

    private static Signature Sig(byte fill) => new(Enumerable.Repeat(fill, Signature.Size).ToArray());

    private static QuorumCertificate Qc(params ushort[] signers) =>
        new(7, SomeHash, signers.Select(s => new SignerSignature(s, Sig((byte)s))).ToArray());

    private static TimeoutCertificate Tc(params ushort[] signers) =>
        new(7, signers.Select(s => new TimeoutSignature(s, 3, Sig((byte)s))).ToArray());

    // QC layout: version(1) round(8) hash(32) count(4) then per signer: signer(2) signature(64).
    private const int QcFirstSignerOffset = 1 + 8 + 32 + 4;
    private const int QcEntrySize = 2 + Signature.Size;

    // TC layout: version(1) round(8) count(4) then per signer: signer(2) highQcRound(8) signature(64).
    private const int TcFirstSignerOffset = 1 + 8 + 4;
    private const int TcEntrySize = 2 + 8 + Signature.Size;

    private static void SetU16(byte[] bytes, int offset, ushort value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), value);

    private static void SetU32(byte[] bytes, int offset, uint value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

    [Fact]
    public void Quorum_certificate_with_a_duplicate_signer_is_rejected_by_the_decoder()
    {
        var bytes = Canonical.Encode(Qc(1, 2, 3));
        SetU16(bytes, QcFirstSignerOffset + QcEntrySize, 1); // second signer becomes 1 again
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, QuorumCertificate.Decode, "qc"));
    }

    [Fact]
    public void Quorum_certificate_with_unsorted_signers_is_rejected_by_the_decoder()
    {
        var bytes = Canonical.Encode(Qc(1, 2, 3));
        SetU16(bytes, QcFirstSignerOffset + (2 * QcEntrySize), 0); // third signer 0 after 2
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, QuorumCertificate.Decode, "qc"));
    }

    [Fact]
    public void Quorum_certificate_constructor_refuses_duplicate_or_unsorted_signers()
    {
        Assert.Throws<ArgumentException>(() => Qc(1, 1));
        Assert.Throws<ArgumentException>(() => Qc(2, 1));
    }

    [Fact]
    public void Certificates_do_not_change_when_the_callers_list_does()
    {
        var signatures = new[] { new SignerSignature(1, Sig(1)), new SignerSignature(2, Sig(2)) };
        var qc = new QuorumCertificate(7, SomeHash, signatures);
        signatures[1] = new SignerSignature(1, Sig(9));
        Assert.Equal([1, 2], qc.Signatures.Select(s => (int)s.Signer));

        var timeouts = new[] { new TimeoutSignature(1, 3, Sig(1)), new TimeoutSignature(2, 3, Sig(2)) };
        var tc = new TimeoutCertificate(7, timeouts);
        timeouts[1] = new TimeoutSignature(1, 3, Sig(9));
        Assert.Equal([1, 2], tc.Signatures.Select(s => (int)s.Signer));
    }

    [Fact]
    public void Block_does_not_change_when_the_callers_digest_list_does()
    {
        var digests = new[] { SomeHash };
        var block = new Block(SomeHash, 1, 1, 0, 0, Qc(), null, digests);
        var hash = block.Hash;
        digests[0] = Hash.Zero;
        Assert.Equal(SomeHash, block.BatchDigests[0]);
        Assert.Equal(hash, Hash.Compute(Canonical.Encode(block)));
    }

    [Fact]
    public void Timeout_certificate_with_a_duplicate_or_unsorted_signer_is_rejected_by_the_decoder()
    {
        var duplicate = Canonical.Encode(Tc(4, 5));
        SetU16(duplicate, TcFirstSignerOffset + TcEntrySize, 4);
        Assert.Throws<EncodingException>(() => Canonical.Decode(duplicate, TimeoutCertificate.Decode, "tc"));

        var unsorted = Canonical.Encode(Tc(4, 5));
        SetU16(unsorted, TcFirstSignerOffset + TcEntrySize, 3);
        Assert.Throws<EncodingException>(() => Canonical.Decode(unsorted, TimeoutCertificate.Decode, "tc"));
    }

    [Fact]
    public void Block_timeout_flag_other_than_0_or_1_is_rejected()
    {
        var block = new Block(SomeHash, 3, 2, 1, 1000, Qc(0, 1, 2), null, [SomeHash]);
        var bytes = Canonical.Encode(block);
        var flagOffset = 1 + 32 + 8 + 8 + 2 + 8 + Canonical.Encode(block.Justify).Length;
        Assert.Equal(0, bytes[flagOffset]);
        bytes[flagOffset] = 2;
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Block.Decode, "block"));
    }

    [Theory]
    [MemberData(nameof(CanonicalCase.Names), MemberType = typeof(CanonicalCase))]
    public void Any_version_but_the_current_one_is_rejected(string name)
    {
        var c = CanonicalCase.Named(name);
        var valid = FsCheck.Fluent.Gen.Sample(c.ValidEncodings, 1).Single();
        for (var version = 0; version <= byte.MaxValue; version++)
        {
            if (version == valid[0])
            {
                continue;
            }

            var bytes = (byte[])valid.Clone();
            bytes[0] = (byte)version;
            Assert.Throws<EncodingException>(() => c.DecodeAll(bytes));
        }
    }

    [Fact]
    public void Quorum_certificate_signer_count_above_the_limit_is_rejected()
    {
        var bytes = Canonical.Encode(Qc());
        SetU32(bytes, QcFirstSignerOffset - 4, Limits.SignersMax + 1);
        var e = Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, QuorumCertificate.Decode, "qc"));
        Assert.Contains("exceeds the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeout_certificate_signer_count_above_the_limit_is_rejected()
    {
        var bytes = Canonical.Encode(Tc());
        SetU32(bytes, TcFirstSignerOffset - 4, uint.MaxValue);
        var e = Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, TimeoutCertificate.Decode, "tc"));
        Assert.Contains("exceeds the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_batch_digest_count_above_the_limit_is_rejected()
    {
        var block = new Block(SomeHash, 3, 2, 1, 1000, Qc(), null, []);
        var bytes = Canonical.Encode(block);
        SetU32(bytes, bytes.Length - 4, Limits.BatchDigestsPerBlockMax + 1);
        var e = Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Block.Decode, "block"));
        Assert.Contains("exceeds the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_payload_longer_than_the_limit_is_rejected_when_decoding_and_constructing()
    {
        var tx = new Transaction(9, new byte[Limits.TransactionPayloadBytesMax]);
        var bytes = Canonical.Encode(tx);
        SetU32(bytes, 1 + 8, Limits.TransactionPayloadBytesMax + 1);
        byte[] longer = [.. bytes, 0];
        var e = Assert.Throws<EncodingException>(() => Canonical.Decode(longer, Transaction.Decode, "tx"));
        Assert.Contains("exceeds the limit", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Transaction(9, new byte[Limits.TransactionPayloadBytesMax + 1]));
    }

    [Fact]
    public void Merkle_proof_sibling_count_above_the_limit_is_rejected()
    {
        var bytes = Canonical.Encode(new MerkleProof(0, 1, []));
        SetU32(bytes, 1 + 4 + 4, MerkleProof.SiblingsMax + 1);
        byte[] padded = [.. bytes, .. new byte[(MerkleProof.SiblingsMax + 1) * Hash.Size]];
        Assert.Throws<EncodingException>(() => Canonical.Decode(padded, MerkleProof.Decode, "proof"));
    }

    [Theory]
    [InlineData(0u, 0u)] // empty tree has no proofs
    [InlineData(5u, 5u)] // index must be below count
    [InlineData(9u, 5u)]
    [InlineData(0u, 0x8000_0000u)] // count above int.MaxValue
    public void Merkle_proof_with_an_impossible_position_is_rejected(uint index, uint count)
    {
        var bytes = Canonical.Encode(new MerkleProof(0, 1, []));
        SetU32(bytes, 1, index);
        SetU32(bytes, 1 + 4, count);
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, MerkleProof.Decode, "proof"));
    }
}
