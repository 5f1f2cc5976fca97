using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Tests;

public class TransactionTests
{
    [Fact]
    public void Hash_is_sha256_of_the_canonical_encoding()
    {
        var tx = new Transaction(42, new byte[] { 1, 2, 3 });
        byte[] expected = [1, 42, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3];
        Assert.Equal(expected, Canonical.Encode(tx));
        Assert.Equal(Hash.Compute(expected), tx.Hash);
        Assert.Equal(expected.Length, tx.EncodedSize);
    }

    [Fact]
    public void Transaction_keeps_its_own_copy_of_the_payload()
    {
        var payload = new byte[] { 1, 2, 3 };
        var tx = new Transaction(1, payload);
        var hash = tx.Hash;
        payload[0] = 9;
        Assert.Equal(1, tx.Payload.Span[0]);
        Assert.Equal(hash, new Transaction(1, new byte[] { 1, 2, 3 }).Hash);
    }

    [Fact]
    public void Namespace_and_payload_both_change_the_hash()
    {
        var tx = new Transaction(1, new byte[] { 1 });
        Assert.NotEqual(tx.Hash, new Transaction(2, new byte[] { 1 }).Hash);
        Assert.NotEqual(tx.Hash, new Transaction(1, new byte[] { 2 }).Hash);
        Assert.NotEqual(tx.Hash, new Transaction(1, ReadOnlyMemory<byte>.Empty).Hash);
    }

    [Fact]
    public void Payload_of_exactly_the_limit_is_accepted()
    {
        var tx = new Transaction(1, new byte[Limits.TransactionPayloadBytesMax]);
        var decoded = Canonical.Decode(Canonical.Encode(tx), Transaction.Decode, "tx");
        Assert.Equal(tx, decoded);
    }
}
