namespace Fairway.Ordering;

/// <summary>Bounds on what a validator holds before it is batched, and how batches are cut.</summary>
public sealed record MempoolOptions
{
    public int TransactionsMax { get; init; } = 200_000;

    public long BytesMax { get; init; } = 256L * 1024 * 1024;

    public int BatchTransactionsMax { get; init; } = 2_000;

    public int BatchBytesMax { get; init; } = 2 * 1024 * 1024;

    /// <summary>Batches known but not yet committed that a leader may reference; beyond this, new batches wait.</summary>
    public int PendingBatchesMax { get; init; } = 10_000;

    /// <summary>
    /// Committed heights whose batch digests the pool remembers to refuse duplicates still in flight (a peer's broadcast
    /// that arrives after the block committed). Bounds that memory to this many blocks' digests; older duplicates are
    /// refused from the chain store instead. At ten blocks a second this is well over a minute.
    /// </summary>
    public ulong CommittedHeightsKept { get; init; } = 1_024;

    /// <summary>Batch digests a leader puts in one block.</summary>
    public int DigestsPerBlockMax { get; init; } = 512;

    /// <summary>
    /// Transactions a leader puts in one block (whole batches; always at least one batch). Without it a backlog went into
    /// one giant block, whose commit, indexing and proofs made the next rounds slower still: throughput collapsed to a
    /// fifth of the peak under 2x overload. Bounded blocks keep rounds short; the backlog waits in the pool instead.
    /// </summary>
    public int BlockTransactionsMax { get; init; } = 32_768;
}
