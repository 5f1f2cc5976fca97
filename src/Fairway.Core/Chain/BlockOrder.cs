using Fairway.Core.Crypto;

namespace Fairway.Core.Chain;

/// <summary>
/// The one rule that turns a block's batches into its ordered transaction list: first come, first served. Batches in
/// the order the leader listed them, transactions in batch order; a transaction already placed earlier in the same
/// block is left out. Every validator, every index and every client applies this rule, so they all agree on a
/// transaction's position and a client can recompute a block's list from its batches alone.
/// </summary>
public static class BlockOrder
{
    /// <summary>Where an ordered transaction came from: the batch's position in the block and its index in that batch.</summary>
    public readonly record struct Placed(Transaction Transaction, int BatchPosition, int IndexInBatch);

    public static List<Transaction> Transactions(IReadOnlyList<Batch> batchesInBlockOrder)
    {
        var placed = Place(batchesInBlockOrder);
        var ordered = new List<Transaction>(placed.Count);
        foreach (var p in placed)
        {
            ordered.Add(p.Transaction);
        }

        return ordered;
    }

    public static List<Placed> Place(IReadOnlyList<Batch> batchesInBlockOrder)
    {
        ArgumentNullException.ThrowIfNull(batchesInBlockOrder);
        var total = 0;
        foreach (var batch in batchesInBlockOrder)
        {
            total += batch.Transactions.Count;
        }

        var placed = new List<Placed>(total);
        var seen = new HashSet<Hash>(total);
        for (var b = 0; b < batchesInBlockOrder.Count; b++)
        {
            var transactions = batchesInBlockOrder[b].Transactions;
            for (var i = 0; i < transactions.Count; i++)
            {
                if (seen.Add(transactions[i].Hash))
                {
                    placed.Add(new Placed(transactions[i], b, i));
                }
            }
        }

        return placed;
    }
}
