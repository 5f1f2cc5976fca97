using Fairway.Core.Crypto;
using Fairway.Core.Chain;
using Fairway.Core.Output;

namespace Fairway.Storage;

/// <summary>
/// What a restarted validator's fair lane reads back from its chain store, the same for a node and a simulated host:
/// the outputs of its last heights (the ordering stage's window of recent inclusions) and the batches it held with the
/// times it first held them (its receive times).
/// </summary>
public static class FairRecovery
{
    /// <summary>How long batch receipts are kept on disk and reloaded: far longer than a transaction waits to be listed.</summary>
    public const ulong ReceiptsKeptMs = 10 * 60_000;

    /// <summary>The stored outputs of the last <paramref name="heights"/> committed heights, oldest first.</summary>
    public static IEnumerable<BlockOutput> RecentOutputs(IChainStore chain, int heights)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var last = chain.CommittedHeight;
        var first = last > (ulong)heights ? last - (ulong)heights + 1 : 1;
        for (var height = first; height <= last; height++)
        {
            yield return chain.GetCommitted(height)!.Output;
        }
    }

    /// <summary>
    /// The batch digests of the last <paramref name="heights"/> committed blocks, oldest first: the ordering stage's
    /// window of batches already output. Walked back from the tip through parent hashes, reading blocks only (not their
    /// outputs), so a long window costs little at start.
    /// </summary>
    public static IEnumerable<(ulong Height, IReadOnlyList<Hash> Digests)> RecentBatchDigests(IChainStore chain, int heights)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var found = new List<(ulong Height, IReadOnlyList<Hash> Digests)>();
        if (chain.CommittedHeight == 0 || chain.GetCommitted(chain.CommittedHeight) is not { } tip)
        {
            return found;
        }

        var block = tip.Block;
        while (found.Count < heights)
        {
            found.Add((block.Height, block.BatchDigests));
            if (block.Height <= 1 || !chain.TryGetBlock(block.ParentHash, out block))
            {
                break;
            }
        }

        found.Reverse();
        return found;
    }

    /// <summary>Stored batches with receipts from the last <see cref="ReceiptsKeptMs"/> before <paramref name="nowMs"/>, oldest first, at most <paramref name="max"/>.</summary>
    public static IEnumerable<(Batch Batch, ulong ReceivedAtMs)> HeldBatches(IChainStore chain, ulong nowMs, int max)
    {
        ArgumentNullException.ThrowIfNull(chain);
        foreach (var receipt in chain.LoadBatchReceipts(nowMs > ReceiptsKeptMs ? nowMs - ReceiptsKeptMs : 0, max))
        {
            if (chain.TryGetBatch(receipt.Digest, out var batch))
            {
                yield return (batch, receipt.ReceivedAtMs);
            }
        }
    }
}
