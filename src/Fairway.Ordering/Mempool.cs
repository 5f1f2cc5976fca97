using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Ordering;

/// <summary>
/// Transactions received by this validator and not yet packed into a batch, in arrival order. Bounded by count and
/// bytes; a duplicate of a waiting transaction is refused. Not thread-safe: the node's event loop owns it.
/// </summary>
public sealed class Mempool(MempoolOptions options)
{
    private readonly Queue<Transaction> _queue = new();
    private readonly HashSet<Hash> _waiting = [];
    private long _bytes;

    public int Count => _queue.Count;

    public long Bytes => _bytes;

    public AddResult TryAdd(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (_queue.Count >= options.TransactionsMax || _bytes + transaction.EncodedSize > options.BytesMax)
        {
            return AddResult.Full;
        }

        if (!_waiting.Add(transaction.Hash))
        {
            return AddResult.Duplicate;
        }

        _queue.Enqueue(transaction);
        _bytes += transaction.EncodedSize;
        return AddResult.Accepted;
    }

    /// <summary>Takes up to one batch worth of transactions, oldest first.</summary>
    public List<Transaction> TakeBatch()
    {
        var taken = new List<Transaction>();
        long bytes = 0;
        while (_queue.Count > 0 && taken.Count < options.BatchTransactionsMax)
        {
            var next = _queue.Peek();
            if (taken.Count > 0 && bytes + next.EncodedSize > options.BatchBytesMax)
            {
                break;
            }

            _queue.Dequeue();
            _waiting.Remove(next.Hash);
            _bytes -= next.EncodedSize;
            bytes += next.EncodedSize;
            taken.Add(next);
        }

        return taken;
    }
}
