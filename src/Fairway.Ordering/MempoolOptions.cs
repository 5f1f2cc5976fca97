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

    /// <summary>Batch digests a leader puts in one block.</summary>
    public int DigestsPerBlockMax { get; init; } = 512;
}
