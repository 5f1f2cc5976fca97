using Fairway.Api;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>
/// What this validator knows about transactions that are not committed yet: those it received, the batch each one
/// travels in, and which batches sit in a certified block. Entries leave once their block is indexed (the query store
/// answers for them from then on); <paramref name="entriesMax"/> caps what is left of transactions that never commit,
/// the oldest forgotten first. Written by the event loop and the disk writer, read by API threads.
/// </summary>
internal sealed class TransactionTracker(int entriesMax, Func<Transaction, bool>? isFair = null)
{
    private readonly Lock _gate = new();

    /// <summary>Fair-lane transactions a stored proposal's lists include (f+1 stake): the proposal's hash and height.</summary>
    private readonly Dictionary<Hash, (Hash Block, ulong Height)> _includedIn = [];
    private readonly Queue<Hash> _includedOrder = new();

    /// <summary>Fair-lane transactions: a certified batch says nothing about them, their inclusion does.</summary>
    private readonly HashSet<Hash> _fair = [];
    private readonly Dictionary<Hash, ulong> _certifiedBlockHeight = [];
    private readonly Queue<Hash> _certifiedBlockOrder = new();
    private readonly Dictionary<Hash, Hash?> _batchOfTransaction = [];

    /// <summary>Each tracked bundle leg's carrier, whose inclusion in the fair lane is the leg's; a subset of <see cref="_batchOfTransaction"/>'s keys.</summary>
    private readonly Dictionary<Hash, Hash> _carrierOfLeg = [];
    private readonly Queue<Hash> _transactionOrder = new();
    private readonly Dictionary<Hash, ulong> _certifiedBatchHeight = [];
    private readonly Queue<Hash> _batchOrder = new();

    /// <summary>Transactions tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _batchOfTransaction.Count;
            }
        }
    }

    /// <summary>Certified batches tracked now.</summary>
    public int CertifiedBatches
    {
        get
        {
            lock (_gate)
            {
                return _certifiedBatchHeight.Count;
            }
        }
    }

    /// <summary>Queued hashes, including ones already forgotten that the queues drop lazily; never above the caps.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _transactionOrder.Count + _batchOrder.Count;
            }
        }
    }

    /// <summary>A bundle's legs are tracked under their own hashes too, at their carrier's place: they travel in it.</summary>
    public void OnReceived(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        lock (_gate)
        {
            foreach (var hash in HashesOf(transaction))
            {
                if (_batchOfTransaction.TryAdd(hash, null))
                {
                    _transactionOrder.Enqueue(hash);
                }

                NoteCarrier(hash, transaction);
            }

            Trim();
        }
    }

    private void NoteCarrier(Hash hash, Transaction carried)
    {
        if (hash != carried.Hash)
        {
            _carrierOfLeg[hash] = carried.Hash;
        }
    }

    private void Forget(Hash hash)
    {
        _batchOfTransaction.Remove(hash);
        _carrierOfLeg.Remove(hash);
    }

    private static IEnumerable<Hash> HashesOf(Transaction transaction)
    {
        yield return transaction.Hash;
        if (transaction.Namespace == SystemNamespaces.Bundle && Bundle.TryOpen(transaction) is { } bundle)
        {
            foreach (var leg in bundle.Legs)
            {
                yield return leg.Hash;
            }
        }
    }

    public void OnBatch(Batch batch)
    {
        lock (_gate)
        {
            foreach (var tx in batch.Transactions)
            {
                var fair = isFair?.Invoke(tx) == true;
                foreach (var hash in HashesOf(tx))
                {
                    if (!_batchOfTransaction.ContainsKey(hash))
                    {
                        _transactionOrder.Enqueue(hash);
                    }

                    _batchOfTransaction[hash] = batch.Digest;
                    NoteCarrier(hash, tx);
                    if (fair)
                    {
                        _fair.Add(hash);
                    }
                }
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

            while (_batchOrder.Count > BatchesMax)
            {
                _certifiedBatchHeight.Remove(_batchOrder.Dequeue());
            }

            if (_certifiedBlockHeight.TryAdd(block.Hash, block.Height))
            {
                _certifiedBlockOrder.Enqueue(block.Hash);
            }

            while (_certifiedBlockOrder.Count > BatchesMax)
            {
                _certifiedBlockHeight.Remove(_certifiedBlockOrder.Dequeue());
            }
        }
    }

    /// <summary>
    /// The batches of an indexed block and their transactions are answered by the query store now, so they are forgotten
    /// here. Blocks commit mostly in arrival order, so the queues' heads are forgotten entries, dropped here without a scan.
    /// </summary>
    /// <remarks>A fair-lane transaction in an indexed batch is forgotten only once it is output (<paramref name="output"/>).</remarks>
    public void OnIndexed(IReadOnlyList<Batch> batches, IReadOnlyList<Transaction>? output = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        lock (_gate)
        {
            foreach (var tx in output ?? [])
            {
                _includedIn.Remove(tx.Hash);
                _fair.Remove(tx.Hash);
                Forget(tx.Hash);
            }

            foreach (var batch in batches)
            {
                _certifiedBatchHeight.Remove(batch.Digest);
                foreach (var hash in batch.Transactions.SelectMany(HashesOf))
                {
                    if (!_fair.Contains(hash))
                    {
                        Forget(hash);
                    }
                }
            }

            while (_transactionOrder.TryPeek(out var oldest) && !_batchOfTransaction.ContainsKey(oldest))
            {
                _transactionOrder.Dequeue();
            }

            while (_batchOrder.TryPeek(out var oldest) && !_certifiedBatchHeight.ContainsKey(oldest))
            {
                _batchOrder.Dequeue();
            }
        }
    }

    private int BatchesMax => entriesMax / 100 + 1000;

    /// <summary>A proposal joined the block tree carrying lists that include these fair-lane transactions.</summary>
    public void OnListed(Block block, IEnumerable<Hash> included)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(included);
        lock (_gate)
        {
            foreach (var transaction in included)
            {
                if (_includedIn.TryAdd(transaction, (block.Hash, block.Height)))
                {
                    _includedOrder.Enqueue(transaction);
                }
            }

            while (_includedOrder.Count > entriesMax)
            {
                _includedIn.Remove(_includedOrder.Dequeue());
            }
        }
    }

    public TransactionStatus? Status(Hash transaction)
    {
        lock (_gate)
        {
            // A bundle's leg is included when its carrier is: the fair lane lists the bundle as one unit.
            if (_includedIn.TryGetValue(transaction, out var inclusion)
                || (_carrierOfLeg.TryGetValue(transaction, out var carrier) && _includedIn.TryGetValue(carrier, out inclusion)))
            {
                return _certifiedBlockHeight.ContainsKey(inclusion.Block)
                    ? new TransactionStatus(CommitmentLevel.Soft, inclusion.Height, null)
                    : new TransactionStatus(CommitmentLevel.Included, inclusion.Height, null);
            }

            if (!_batchOfTransaction.TryGetValue(transaction, out var digest))
            {
                return null;
            }

            if (_fair.Contains(transaction))
            {
                return new TransactionStatus(CommitmentLevel.Received, null, null);
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
            var oldest = _transactionOrder.Dequeue();
            Forget(oldest);
            _fair.Remove(oldest);
        }
    }
}
