using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>
/// Batches committed lately, kept in memory (oldest out first past <c>capacity</c>). On a chain with fair namespaces the
/// next blocks name most of them again for the fair-lane transactions their lists include, and the leader, every voter
/// and the ordering stage each need them: reading and decoding them from the chain store each time cost more than the
/// rest of the pipeline. Bounded by transactions held, not batches: a busy validator's batches are a thousand times
/// larger than an idle one's.
/// </summary>
internal sealed class RecentBatches(int transactionsMax)
{
    private readonly Dictionary<Hash, Batch> _batches = [];
    private readonly Queue<Hash> _order = new();
    private long _transactions;

    public int Count => _batches.Count;

    public void Add(Batch batch)
    {
        if (transactionsMax == 0 || !_batches.TryAdd(batch.Digest, batch))
        {
            return;
        }

        _order.Enqueue(batch.Digest);
        _transactions += batch.Transactions.Count;
        while (_transactions > transactionsMax && _order.Count > 1 && _batches.Remove(_order.Dequeue(), out var old))
        {
            _transactions -= old.Transactions.Count;
        }
    }

    public bool TryGet(Hash digest, out Batch batch) => _batches.TryGetValue(digest, out batch!);
}
