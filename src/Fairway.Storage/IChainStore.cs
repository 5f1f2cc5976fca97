using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// Blocks, batches and the committed chain of one validator.
/// Writes of blocks and batches become durable at the latest on the next <see cref="Flush"/> or <see cref="AppendCommitted"/>;
/// <see cref="AppendCommitted"/> is durable when it returns. Committed heights are contiguous from 1.
/// A committed block's transactions are not stored a second time: the store keeps its output header and where each
/// output transaction sits in the stored batches (the ordering stage's sources), so those batches must be put before the
/// block is committed, and reading back never orders anything again. Finding a transaction by hash is the
/// query index's job (<c>IQueryStore.FindTransaction</c>), which the node builds from this store.
/// Implementations are safe for one writer and concurrent readers.
/// </summary>
public interface IChainStore : IDisposable
{
    void PutBlock(Block block);

    bool TryGetBlock(Hash hash, out Block block);

    void PutBatch(Batch batch);

    bool TryGetBatch(Hash digest, out Batch batch);

    /// <summary>Whether the batch is stored, by the same rule <see cref="AppendCommitted"/> checks, without reading it.</summary>
    bool IsBatchStored(Hash digest);

    /// <summary>
    /// Whether a reader sees the batch, without reading it: as <see cref="TryGetBatch"/> would answer, and never waiting
    /// for a writer (unlike <see cref="IsBatchStored"/>, whose lock the writer holds through its sync).
    /// </summary>
    bool HasBatch(Hash digest);

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
    /// its parent is not the previous tip, its output is not for it, or one of its batches is not stored.
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

    /// <summary>The committed block at <paramref name="height"/>, its output rebuilt from its batches, with its output certificate once certified; null above the tip or at 0.</summary>
    CommittedBlock? GetCommitted(ulong height);

    /// <summary>The output header of committed height <paramref name="height"/>, read without its block's batches; null above the tip or at 0.</summary>
    OutputHeader? GetOutputHeader(ulong height);

    /// <summary>The output certificate of <paramref name="height"/>, read without its block; null while uncertified.</summary>
    OutputCertificate? GetOutputCertificate(ulong height);

    /// <summary>Highest height whose output is certified; every height below it is certified too.</summary>
    ulong CertifiedHeight { get; }

    /// <summary>
    /// Keeps the certificate of the output at <see cref="CertifiedHeight"/> + 1. Throws, changing nothing, for another
    /// height, a height not committed, or a certificate of another output header. Durable at the next flush or commit:
    /// a lost certificate is obtained again from the peers.
    /// </summary>
    void PutOutputCertificate(OutputCertificate certificate);

    /// <summary>Stored blocks above the committed height, for the consensus engine to reload on start.</summary>
    IReadOnlyList<Block> LoadUncommittedBlocks();

    /// <summary>
    /// Records when this validator first held these batches (stored with <see cref="PutBatch"/>), durable with the next
    /// flush or commit: after a restart the fair lane rebuilds its receive times from them instead of forgetting every
    /// transaction it had seen, which would make an honest validator's lists look like a faulty one's.
    /// </summary>
    void PutBatchReceipts(IReadOnlyList<BatchReceipt> receipts);

    /// <summary>Receipts at or after <paramref name="sinceMs"/>, oldest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<BatchReceipt> LoadBatchReceipts(ulong sinceMs, int max);

    /// <summary>Forgets receipts older than <paramref name="beforeMs"/> (their transactions are long included or abandoned).</summary>
    void PruneBatchReceipts(ulong beforeMs);

    /// <summary>Makes every earlier write durable.</summary>
    void Flush();
}
