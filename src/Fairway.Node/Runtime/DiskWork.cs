using Fairway.Core.Chain;
using Fairway.Storage;

namespace Fairway.Node.Runtime;

/// <summary>One write for the disk writer: a batch to keep, a committed block to append, or a certified output to keep and index.</summary>
internal abstract record DiskWork
{
    public sealed record StoreBatch(Batch Batch) : DiskWork;

    public sealed record StoreCommit(CommittedBlock Committed, IReadOnlyList<Batch> Batches) : DiskWork;

    /// <summary>The output of a stored commit is certified: keep the certificate, then index the block (it is firm).</summary>
    public sealed record StoreCertified(CommittedBlock Committed, IReadOnlyList<Batch> Batches) : DiskWork;
}
