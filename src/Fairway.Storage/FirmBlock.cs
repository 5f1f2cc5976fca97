using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// A firm height as one self-contained message: the block, its QC, its output (header and layout) with the output
/// certificate, and the batches the block names, in its order. What a full node reads from a validator to index the
/// height itself: everything it needs to check the certificates and rebuild the output, and nothing it must trust.
/// </summary>
public sealed record FirmBlock(CommittedBlock Committed, IReadOnlyList<Batch> Batches)
{
    public const string ContentType = "application/vnd.fairway.firm-block";

    /// <summary>Largest encoding a reader accepts: a block's batches are bounded (digests and transactions per block), this bounds their bytes.</summary>
    public const int EncodedBytesMax = 256 * 1024 * 1024;

    private const byte Version = 1;

    public byte[] Encode()
    {
        var certificate = Committed.OutputCertificate ?? throw new InvalidOperationException($"height {Committed.Height} is not firm: it has no output certificate");
        var writer = new CanonicalWriter(64 * 1024 + Batches.Sum(b => b.Encoded.Length + 8));
        writer.WriteU8(Version);
        writer.WriteBytes(Canonical.Encode(Committed.Block));
        writer.WriteBytes(Canonical.Encode(Committed.Certificate));
        writer.WriteBytes(Canonical.Encode(Committed.Output.Header));
        writer.WriteBytes(BlockOutput.EncodeLayout(Committed.Output));
        writer.WriteBytes(Canonical.Encode(certificate));
        writer.WriteCount(Batches.Count);
        foreach (var batch in Batches)
        {
            writer.WriteBytes(batch.Encoded);
        }

        return writer.ToArray();
    }

    /// <summary>
    /// Decodes and rebuilds the output from the batches. Throws <see cref="EncodingException"/> or
    /// <see cref="InvalidDataException"/> on anything malformed or inconsistent: batches that are not the block's, an
    /// output that does not rebuild or does not hash to the header's root. Certificates are not checked here (that needs the trusted validator sets).
    /// </summary>
    public static FirmBlock Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > EncodedBytesMax)
        {
            throw new EncodingException($"firm block: {bytes.Length} bytes, above {EncodedBytesMax}");
        }

        var reader = new CanonicalReader(bytes);
        var version = reader.ReadU8("firm block version");
        if (version != Version)
        {
            throw new EncodingException($"firm block: unsupported version {version} (expected {Version})");
        }

        var block = Canonical.Decode(reader.ReadBytes(Limits.FrameBytesMax, "firm block: block"), Block.Decode, "firm block: block");
        var qc = Canonical.Decode(reader.ReadBytes(64 * 1024, "firm block: certificate"), QuorumCertificate.Decode, "firm block: certificate");
        var header = Canonical.Decode(reader.ReadBytes(1024, "firm block: output header"), OutputHeader.Decode, "firm block: output header");
        var layout = reader.ReadBytes(EncodedBytesMax, "firm block: output layout").ToArray();
        var certificate = Canonical.Decode(reader.ReadBytes(64 * 1024, "firm block: output certificate"), OutputCertificate.Decode, "firm block: output certificate");
        var count = reader.ReadCount(Limits.BatchDigestsPerBlockMax + 1, "firm block: batches");
        var digests = block.AllBatchDigests;
        if (count != digests.Count)
        {
            throw new InvalidDataException($"firm block {block.Height}: {count} batches for a block that names {digests.Count}");
        }

        var batches = new Batch[count];
        for (var i = 0; i < count; i++)
        {
            batches[i] = Batch.DecodeKeepingEncoding(reader.ReadBytes(Limits.FrameBytesMax, "firm block: batch"));
            if (batches[i].Digest != digests[i])
            {
                throw new InvalidDataException($"firm block {block.Height}: batch {i} is not the one the block names");
            }
        }

        if (reader.Remaining != 0)
        {
            throw new EncodingException($"firm block: {reader.Remaining} bytes after the last batch");
        }

        var sources = BlockOutput.DecodeSources(layout);
        var records = BlockOutput.DecodeRecords(layout);
        if (header.BlockHash != block.Hash || header.Height != block.Height || sources.Length != header.TransactionCount)
        {
            throw new InvalidDataException($"firm block {block.Height}: the output header is not this block's output");
        }

        var output = BlockOutput.Rebuild(header, block.WithRecords(batches, records), sources, BlockOutput.DecodeRevealed(layout), records);
        // The header (what the certificate signs) must commit to exactly these transactions in this order.
        if (header.Over(output.Transactions).Hash != header.Hash)
        {
            throw new InvalidDataException($"firm block {block.Height}: the output rebuilt from the batches does not match the output header's root");
        }

        return new FirmBlock(new CommittedBlock(block, qc, output) { OutputCertificate = certificate }, batches);
    }
}
