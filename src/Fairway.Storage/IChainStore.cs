using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Storage;

/// <summary>
/// Blocks, batches and the committed chain of one validator.
/// Writes of blocks and batches become durable at the latest on the next <see cref="Flush"/> or <see cref="AppendCommitted"/>;
/// <see cref="AppendCommitted"/> is durable when it returns. Committed heights are contiguous from 1.
/// A committed block's transactions are not stored a second time: they are what <see cref="BlockOrder"/> makes of its
/// stored batches, so those batches must be put before the block is committed. Finding a transaction by hash is the
/// query index's job (<c>IQueryStore.FindTransaction</c>), which the node builds from this store.
/// Implementations are safe for one writer and concurrent readers.
/// </summary>
public interface IChainStore : IDisposable
{
    void PutBlock(Block block);

    bool TryGetBlock(Hash hash, out Block block);

    void PutBatch(Batch batch);

    bool TryGetBatch(Hash digest, out Batch batch);

    /// <summary>Stores several batches; a store may write them in one database transaction.</summary>
    void PutBatches(IReadOnlyList<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (var batch in batches)
        {
            PutBatch(batch);
        }
    }

    /// <summary>
    /// Appends the next committed block. Throws, changing nothing, if its height is not <see cref="CommittedHeight"/> + 1,
    /// its parent is not the previous tip, or one of its batches is not stored. Its transaction list must be
    /// <see cref="BlockOrder"/> of those batches; the store keeps only its length, as a check on reading back.
    /// </summary>
    void AppendCommitted(CommittedBlock committed);

    /// <summary>
    /// Appends several consecutive committed blocks, oldest first, durable on return. A store may write them in one
    /// database transaction with one fsync; if it throws, none or a prefix of them is committed.
    /// </summary>
    void AppendCommittedMany(IReadOnlyList<CommittedBlock> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        foreach (var block in committed)
        {
            AppendCommitted(block);
        }
    }

    /// <summary>Height of the last committed block; 0 when only genesis is committed.</summary>
    ulong CommittedHeight { get; }

    /// <summary>The committed block at <paramref name="height"/>, its transactions rebuilt from its batches; null above the tip or at 0.</summary>
    CommittedBlock? GetCommitted(ulong height);

    /// <summary>Stored blocks above the committed height, for the consensus engine to reload on start.</summary>
    IReadOnlyList<Block> LoadUncommittedBlocks();

    /// <summary>Makes every earlier write durable.</summary>
    void Flush();
}
