using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Tests;

public class BatchEncodingTests
{
    private static readonly Hash ChainId = Hash.Compute("batch encoding tests"u8);

    private static Batch Sample(int count) =>
        new(ChainId, 3, 77, Enumerable.Range(0, count).Select(i => new Transaction((ulong)(i % 4), BitConverter.GetBytes(i * 31))).ToArray());

    [Fact]
    public void The_kept_encoding_is_the_canonical_one_and_is_written_as_is()
    {
        var batch = Sample(25);
        var fields = Canonical.Encode(Sample(25));

        Assert.Equal(fields, batch.Encoded);
        Assert.Same(batch.Encoded, batch.Encoded);
        Assert.Equal(fields, Canonical.Encode(batch));
    }

    [Fact]
    public void Decoding_keeps_the_bytes_and_gives_the_same_batch()
    {
        var bytes = Canonical.Encode(Sample(10));

        var batch = Batch.DecodeKeepingEncoding(bytes);

        Assert.Equal(bytes, batch.Encoded);
        Assert.NotSame(bytes, batch.Encoded);
        Assert.Equal(Sample(10).Digest, batch.Digest);
        Assert.Equal(Sample(10).Transactions, batch.Transactions);
    }

    [Fact]
    public void Bytes_that_are_not_exactly_one_batch_are_refused()
    {
        var bytes = Canonical.Encode(Sample(3));

        Assert.Throws<EncodingException>(() => Batch.DecodeKeepingEncoding([.. bytes, 0]));
        Assert.Throws<EncodingException>(() => Batch.DecodeKeepingEncoding(bytes.AsSpan(0, bytes.Length - 1)));
    }
}
