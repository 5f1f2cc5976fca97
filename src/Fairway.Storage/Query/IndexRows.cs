using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;

namespace Fairway.Storage.Query;

/// <summary>
/// What <see cref="SqliteQueryStore"/> writes for one block, prepared outside its lock: the encodings, and for every
/// output transaction its 8-byte hash key and the byte range of its encoding inside its batch's blob.
/// </summary>
internal sealed record IndexRows(
    ulong Height, byte[] BlockHash, byte[] BlockData, byte[] CertificateData, byte[] OutputData, byte[] OutputCertificateData,
    byte[] SourcesData, byte[][] BatchData, long SizeBytes, IReadOnlyList<PendingTransactionKeys.KeyEntry> Keys)
{
    /// <summary>The first 8 bytes of a transaction hash, bit-for-bit as a signed SQLite integer.</summary>
    public static long Key(Hash hash) => unchecked((long)hash.Prefix64);

    public static IndexRows Of(BlockToIndex entry)
    {
        var committed = entry.Committed;
        // The block's inbox entries and the output's records are kept as more batch blobs, after its real batches, where
        // output sources name them.
        var batches = committed.Block.WithRecords(entry.Batches, committed.Output.Records);
        var batchData = new byte[batches.Count][];
        for (var b = 0; b < batches.Count; b++)
        {
            batchData[b] = batches[b].Encoded;
        }

        var keys = KeyEntries(committed.Height, committed.Output.Sources, batches, batchData);
        return new IndexRows(
            committed.Height,
            committed.Block.Hash.ToArray(),
            committed.Block.Encoded,
            Canonical.Encode(committed.Certificate),
            Canonical.Encode(committed.Output.Header),
            Canonical.Encode(committed.OutputCertificate!),
            BlockOutput.EncodeLayout(committed.Output),
            batchData,
            QueryIndexRules.SizeBytes(committed.Transactions),
            keys);
    }

    /// <summary>Key entries of the block at <paramref name="height"/>: its output's sources, its batches and their canonical encodings.</summary>
    public static PendingTransactionKeys.KeyEntry[] KeyEntries(ulong height, IReadOnlyList<OutputSource> sources, IReadOnlyList<Batch> batches, byte[][] batchData)
    {
        var firstOffsets = new int[batches.Count][];
        for (var b = 0; b < batches.Count; b++)
        {
            firstOffsets[b] = TransactionOffsets(batches[b], batchData[b].Length);
        }

        var keys = new PendingTransactionKeys.KeyEntry[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            var (b, t) = sources[i];
            if ((uint)b >= (uint)batches.Count || (uint)t >= (uint)batches[b].Transactions.Count)
            {
                throw new ArgumentException($"height {height}: output source {i} ({b}, {t}) is outside the block's batches", nameof(sources));
            }

            var tx = batches[b].Transactions[t];
            var offset = firstOffsets[b][t];
            // A bundle's leg is encoded whole inside its carrier, so it is a byte range of the batch like any transaction.
            if (sources[i].Leg is { } leg)
            {
                var bundle = Bundle.TryOpen(tx) is { } opened && leg < opened.Legs.Count
                    ? opened
                    : throw new ArgumentException($"height {height}: output source {i} names leg {leg} of no bundle", nameof(sources));
                offset += bundle.LegOffsetInCarrier(leg);
                tx = bundle.Legs[leg];
            }

            keys[i] = new PendingTransactionKeys.KeyEntry(Key(tx.Hash), height, i, b, offset, tx.EncodedSize);
        }

        return keys;
    }

    /// <summary>
    /// Byte offsets of each transaction's encoding in the batch's encoding. A batch encodes its header fields and then its
    /// transactions back to back, so the transactions fill the tail of the blob.
    /// </summary>
    private static int[] TransactionOffsets(Batch batch, int encodedLength)
    {
        var offsets = new int[batch.Transactions.Count];
        var tail = 0;
        foreach (var tx in batch.Transactions)
        {
            tail += tx.EncodedSize;
        }

        var offset = encodedLength - tail;
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = offset;
            offset += batch.Transactions[i].EncodedSize;
        }

        return offsets;
    }
}
