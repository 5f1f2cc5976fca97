using Fairway.Core.Chain;
using Fairway.Storage;

namespace Fairway.Node.Runtime;

/// <summary>One write for the disk writer: a batch to keep, or a committed block to append and index.</summary>
internal abstract record DiskWork
{
    public sealed record StoreBatch(Batch Batch) : DiskWork;

    public sealed record StoreCommit(CommittedBlock Committed, IReadOnlyList<Batch> Batches) : DiskWork;
}
