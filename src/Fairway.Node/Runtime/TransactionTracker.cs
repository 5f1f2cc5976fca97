using Fairway.Api;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>
/// What this validator knows about transactions that are not committed yet: those it received, the batch each one
/// travels in, and which batches sit in a certified block. Bounded: the oldest entries are forgotten first.
/// Written by the event loop, read by API threads.
/// </summary>
internal sealed class TransactionTracker(int entriesMax)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Hash, Hash?> _batchOfTransaction = [];
    private readonly Queue<Hash> _transactionOrder = new();
    private readonly Dictionary<Hash, ulong> _certifiedBatchHeight = [];
    private readonly Queue<Hash> _batchOrder = new();

    public void OnReceived(Hash transaction)
    {
        lock (_gate)
        {
            if (_batchOfTransaction.TryAdd(transaction, null))
            {
                _transactionOrder.Enqueue(transaction);
                Trim();
            }
        }
    }

    public void OnBatch(Batch batch)
    {
        lock (_gate)
        {
            foreach (var tx in batch.Transactions)
            {
                if (!_batchOfTransaction.ContainsKey(tx.Hash))
                {
                    _transactionOrder.Enqueue(tx.Hash);
                }

                _batchOfTransaction[tx.Hash] = batch.Digest;
            }

            Trim();
        }
    }

    /// <summary>A QC certifies <paramref name="block"/>: its batches are now soft-confirmed at its height.</summary>
    public void OnCertified(Block block)
    {
        lock (_gate)
        {
            foreach (var digest in block.BatchDigests)
            {
                if (_certifiedBatchHeight.TryAdd(digest, block.Height))
                {
                    _batchOrder.Enqueue(digest);
                }
            }

            while (_batchOrder.Count > entriesMax / 100 + 1000)
            {
                _certifiedBatchHeight.Remove(_batchOrder.Dequeue());
            }
        }
    }

    public TransactionStatus? Status(Hash transaction)
    {
        lock (_gate)
        {
            if (!_batchOfTransaction.TryGetValue(transaction, out var digest))
            {
                return null;
            }

            return digest is { } d && _certifiedBatchHeight.TryGetValue(d, out var height)
                ? new TransactionStatus(CommitmentLevel.Soft, height, null)
                : new TransactionStatus(CommitmentLevel.Received, null, null);
        }
    }

    private void Trim()
    {
        while (_transactionOrder.Count > entriesMax)
        {
            _batchOfTransaction.Remove(_transactionOrder.Dequeue());
        }
    }
}
