using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using FsCheck;
using FsCheck.Fluent;

namespace Fairway.Core.Tests;

public class EncodingPropertyTests
{
    [Theory]
    [MemberData(nameof(CanonicalCase.Names), MemberType = typeof(CanonicalCase))]
    public void Decoding_an_encoding_and_encoding_again_gives_the_same_bytes(string name)
    {
        var c = CanonicalCase.Named(name);
        Property.Holds(c.ValidEncodings, bytes =>
            Canonical.Encode((ICanonical)c.DecodeAll(bytes)).AsSpan().SequenceEqual(bytes));
    }

    [Fact]
    public void Quorum_certificate_round_trips_to_an_equal_value() =>
        Property.Holds(Generators.QuorumCertificate, qc =>
            qc.Equals(Canonical.Decode(Canonical.Encode(qc), QuorumCertificate.Decode, "qc")));

    [Fact]
    public void Timeout_certificate_round_trips_to_an_equal_value() =>
        Property.Holds(Generators.TimeoutCertificate, tc =>
            tc.Equals(Canonical.Decode(Canonical.Encode(tc), TimeoutCertificate.Decode, "tc")));

    [Fact]
    public void Block_round_trips_with_the_same_hash_and_fields() =>
        Property.Holds(Generators.Block, block =>
        {
            var decoded = Canonical.Decode(Canonical.Encode(block), Block.Decode, "block");
            return decoded.Hash == block.Hash
                && decoded.Round == block.Round
                && decoded.Height == block.Height
                && decoded.Author == block.Author
                && decoded.Justify.Equals(block.Justify)
                && Equals(decoded.Timeout, block.Timeout)
                && decoded.BatchDigests.SequenceEqual(block.BatchDigests);
        });

    [Fact]
    public void Transaction_round_trips_to_an_equal_value_with_the_same_hash() =>
        Property.Holds(Generators.Transaction, tx =>
        {
            var decoded = Canonical.Decode(Canonical.Encode(tx), Transaction.Decode, "tx");
            return decoded.Equals(tx) && decoded.Hash == tx.Hash && decoded.Namespace == tx.Namespace;
        }, maxTest: 100);

    [Fact]
    public void Merkle_proof_round_trips_to_an_equal_value() =>
        Property.Holds(Generators.MerkleProof, proof =>
            proof.Equals(Canonical.Decode(Canonical.Encode(proof), Merkle.MerkleProof.Decode, "proof")));

    [Theory]
    [MemberData(nameof(CanonicalCase.Names), MemberType = typeof(CanonicalCase))]
    public void Every_truncated_prefix_of_a_valid_encoding_throws_EncodingException(string name)
    {
        var c = CanonicalCase.Named(name);
        Property.Holds(c.ValidEncodings, bytes =>
        {
            foreach (var length in PrefixLengths(bytes.Length))
            {
                var prefix = bytes[..length];
                Assert.Throws<EncodingException>(() => c.DecodePrefix(prefix));
                Assert.Throws<EncodingException>(() => c.DecodeAll(prefix));
            }
        }, maxTest: 100);
    }

    [Theory]
    [MemberData(nameof(CanonicalCase.Names), MemberType = typeof(CanonicalCase))]
    public void A_trailing_byte_after_a_valid_encoding_is_rejected(string name)
    {
        var c = CanonicalCase.Named(name);
        var gen = Gen.Zip(c.ValidEncodings, Generators.Byte);
        Property.Holds(gen, p =>
        {
            var (bytes, extra) = p;
            byte[] longer = [.. bytes, extra];
            Assert.Throws<EncodingException>(() => c.DecodeAll(longer));
        });
    }

    [Theory]
    [MemberData(nameof(CanonicalCase.Names), MemberType = typeof(CanonicalCase))]
    public void Random_bytes_only_ever_fail_with_EncodingException(string name)
    {
        var c = CanonicalCase.Named(name);
        var gen = Gen.Choose(0, 600).SelectMany(Generators.Bytes);
        Property.Holds(gen, bytes => OnlyEncodingExceptions(c, bytes), maxTest: 1000);
    }

    [Theory]
    [MemberData(nameof(CanonicalCase.Names), MemberType = typeof(CanonicalCase))]
    public void Randomly_corrupted_encodings_only_ever_fail_with_EncodingException(string name)
    {
        // Random bytes rarely get past the version byte; corrupting real encodings reaches the deeper fields.
        var c = CanonicalCase.Named(name);
        var gen =
            from bytes in c.ValidEncodings
            from flips in Gen.ListOf(Gen.Zip(Gen.Choose(0, Math.Max(0, bytes.Length - 1)), Generators.Byte), 4)
            from cut in Gen.Choose(0, bytes.Length)
            from truncate in Gen.Elements(true, false)
            select Corrupt(bytes, flips, truncate ? cut : bytes.Length);
        Property.Holds(gen, bytes => OnlyEncodingExceptions(c, bytes), maxTest: 500);
    }

    private static byte[] Corrupt(byte[] bytes, IEnumerable<(int Position, byte Value)> flips, int length)
    {
        var copy = bytes[..length];
        foreach (var (position, value) in flips)
        {
            if (position < copy.Length)
            {
                copy[position] = value;
            }
        }

        return copy;
    }

    private static void OnlyEncodingExceptions(CanonicalCase c, byte[] bytes)
    {
        foreach (var decode in new Func<byte[], object>[] { c.DecodeAll, c.DecodePrefix })
        {
            try
            {
                decode(bytes);
            }
            catch (EncodingException)
            {
            }
        }
    }

    /// <summary>Every prefix for short encodings; the first and last few hundred and a stride for long ones.</summary>
    private static IEnumerable<int> PrefixLengths(int length)
    {
        if (length <= 600)
        {
            return Enumerable.Range(0, length);
        }

        return Enumerable.Range(0, 300)
            .Concat(Enumerable.Range(length - 300, 300))
            .Concat(Enumerable.Range(0, 64).Select(i => 300 + (i * (length - 600) / 64)))
            .Distinct();
    }
}
