using Fairway.Core.Chain;
using Fairway.Storage;

namespace Fairway.Node.Runtime;

/// <summary>One write for the disk writer: a batch to keep, a committed block to append, or a certified output to keep and index.</summary>
internal abstract record DiskWork
{
    /// <summary>A batch to keep, with the time this validator first held it (the fair lane's receive time for its transactions).</summary>
    public sealed record StoreBatch(Batch Batch, long ReceivedAtMs = 0) : DiskWork;

    public sealed record StoreCommit(CommittedBlock Committed, IReadOnlyList<Batch> Batches) : DiskWork;

    /// <summary>The output of a stored commit is certified: keep the certificate, then index the block (it is firm).</summary>
    public sealed record StoreCertified(CommittedBlock Committed, IReadOnlyList<Batch> Batches) : DiskWork;

    /// <summary>What an item keeps in memory while it waits: the encoded bytes of the batches it holds.</summary>
    public static long BytesOf(DiskWork work) => work switch
    {
        StoreBatch b => b.Batch.Encoded.Length,
        StoreCommit c => c.Batches.Sum(b => (long)b.Encoded.Length),
        StoreCertified c => c.Batches.Sum(b => (long)b.Encoded.Length),
        _ => 0,
    };
}
