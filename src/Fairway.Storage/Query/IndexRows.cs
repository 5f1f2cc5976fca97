using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Storage.Query;

/// <summary>
/// What <see cref="SqliteQueryStore"/> writes for one block, prepared outside its lock: the encodings, and for every
/// ordered transaction its 8-byte hash key and the byte range of its encoding inside its batch's blob.
/// </summary>
internal sealed record IndexRows(
    ulong Height, byte[] BlockHash, byte[] BlockData, byte[] CertificateData, byte[][] BatchData, long SizeBytes,
    IReadOnlyList<PendingTransactionKeys.KeyEntry> Keys)
{
    /// <summary>The first 8 bytes of a transaction hash, bit-for-bit as a signed SQLite integer.</summary>
    public static long Key(Hash hash) => unchecked((long)hash.Prefix64);

    public static IndexRows Of(BlockToIndex entry)
    {
        var committed = entry.Committed;
        var batchData = new byte[entry.Batches.Count][];
        for (var b = 0; b < entry.Batches.Count; b++)
        {
            batchData[b] = entry.Batches[b].Encoded;
        }

        var placed = BlockOrder.Place(entry.Batches);
        if (placed.Count != committed.Transactions.Count)
        {
            throw new ArgumentException(
                $"block at height {committed.Height} lists {committed.Transactions.Count} transactions, its batches order {placed.Count}", nameof(entry));
        }

        var keys = KeyEntries(committed.Height, placed, entry.Batches, batchData);
        return new IndexRows(
            committed.Height,
            committed.Block.Hash.ToArray(),
            Canonical.Encode(committed.Block),
            Canonical.Encode(committed.Certificate),
            batchData,
            QueryIndexRules.SizeBytes(committed.Transactions),
            keys);
    }

    /// <summary>Key entries of the block at <paramref name="height"/>, given its batches and their canonical encodings.</summary>
    public static PendingTransactionKeys.KeyEntry[] KeyEntries(ulong height, IReadOnlyList<Batch> batches, byte[][] batchData) =>
        KeyEntries(height, BlockOrder.Place(batches), batches, batchData);

    private static PendingTransactionKeys.KeyEntry[] KeyEntries(ulong height, List<BlockOrder.Placed> placed, IReadOnlyList<Batch> batches, byte[][] batchData)
    {
        var firstOffsets = new int[batches.Count][];
        for (var b = 0; b < batches.Count; b++)
        {
            firstOffsets[b] = TransactionOffsets(batches[b], batchData[b].Length);
        }

        var keys = new PendingTransactionKeys.KeyEntry[placed.Count];
        for (var i = 0; i < placed.Count; i++)
        {
            var p = placed[i];
            keys[i] = new PendingTransactionKeys.KeyEntry(
                Key(p.Transaction.Hash), height, i, p.BatchPosition, firstOffsets[p.BatchPosition][p.IndexInBatch], p.Transaction.EncodedSize);
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
