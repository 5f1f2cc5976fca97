using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Storage;

/// <summary>
/// Blocks, batches and the committed chain of one validator.
/// Writes of blocks and batches become durable at the latest on the next <see cref="Flush"/> or <see cref="AppendCommitted"/>;
/// <see cref="AppendCommitted"/> is durable when it returns. Committed heights are contiguous from 1.
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

    /// <summary>Appends the next committed block. Throws if its height is not <see cref="CommittedHeight"/> + 1 or its parent is not the previous tip.</summary>
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

    CommittedBlock? GetCommitted(ulong height);

    /// <summary>Where a committed transaction landed: height and index within that block's ordered list.</summary>
    bool TryFindTransaction(Hash transactionHash, out ulong height, out int index);

    /// <summary>Stored blocks above the committed height, for the consensus engine to reload on start.</summary>
    IReadOnlyList<Block> LoadUncommittedBlocks();

    /// <summary>Makes every earlier write durable.</summary>
    void Flush();
}
