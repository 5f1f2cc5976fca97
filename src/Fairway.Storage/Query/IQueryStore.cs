using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Storage.Query;

/// <summary>
/// The query service's index of the committed chain, which the API reads: blocks with their certificates, the batches
/// they order (to build proofs), and every transaction by hash and by namespace. Embedded SQLite by default; PostgreSQL
/// for operators who want a real database behind the API. Safe for one writer and concurrent readers.
/// </summary>
public interface IQueryStore : IDisposable
{
    /// <summary>
    /// Records the next committed block, its ordered transactions and its batches (in the block's digest order).
    /// Heights are contiguous from 1; indexing a height again is a no-op.
    /// </summary>
    void Index(CommittedBlock committed, IReadOnlyList<Batch> batches);

    /// <summary>
    /// Indexes several consecutive committed blocks, oldest first. A store may write them in one database transaction:
    /// under load the node hands over whatever has queued up, so the cost of a commit is shared by many blocks.
    /// </summary>
    void IndexMany(IReadOnlyList<BlockToIndex> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        foreach (var block in blocks)
        {
            Index(block.Committed, block.Batches);
        }
    }

    /// <summary>Highest indexed height; 0 before the first block.</summary>
    ulong IndexedHeight { get; }

    CommittedBlock? GetBlock(ulong height);

    /// <summary>The block's batches in its digest order, or null for an unknown height.</summary>
    IReadOnlyList<Batch>? GetBatches(ulong height);

    /// <summary>The namespace's transactions in the block, in their committed order (empty if none; null for an unknown height).</summary>
    IReadOnlyList<IndexedTransaction>? GetNamespaceTransactions(ulong height, ulong @namespace);

    IndexedTransaction? FindTransaction(Hash hash);
}

/// <summary>A committed block and its batches in the block's digest order: one unit of <see cref="IQueryStore.IndexMany"/>.</summary>
public sealed record BlockToIndex(CommittedBlock Committed, IReadOnlyList<Batch> Batches);

/// <summary>A committed transaction and where it landed: height, and index in that block's ordered list.</summary>
public sealed record IndexedTransaction(Transaction Transaction, ulong Height, int Index)
{
    /// <summary>The transactions of <paramref name="block"/> in namespace <paramref name="ns"/>, in order, with their indexes in the block.</summary>
    public static List<IndexedTransaction> InNamespace(CommittedBlock block, ulong ns)
    {
        ArgumentNullException.ThrowIfNull(block);
        var found = new List<IndexedTransaction>();
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            if (block.Transactions[i].Namespace == ns)
            {
                found.Add(new IndexedTransaction(block.Transactions[i], block.Height, i));
            }
        }

        return found;
    }
}
