using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Ordering;

/// <summary>
/// Batches this validator holds (its own and its peers'), and which of them still wait to be ordered. A leader takes
/// digests in the order the batches arrived here (first come, first served); a digest handed to a proposal is held back
/// until it is committed, or released again if that proposal does not commit.
/// Not thread-safe: the node's event loop owns it.
/// </summary>
public sealed class BatchPool(MempoolOptions options)
{
    private readonly Dictionary<Hash, Batch> _batches = [];
    private readonly LinkedList<Hash> _unproposed = new();
    private readonly Dictionary<Hash, LinkedListNode<Hash>> _unproposedNodes = [];
    private readonly Dictionary<Hash, ulong> _proposedInRound = [];
    private readonly Dictionary<Hash, long> _arrivedMs = [];
    private readonly HashSet<Hash> _committed = [];

    // Commit order of the digests in _committed, so the oldest heights can be forgotten without a scan.
    private readonly Queue<(ulong Height, Hash Digest)> _committedOrder = new();

    public int Count => _batches.Count;

    /// <summary>Committed digests remembered to refuse late duplicates; at most <see cref="MempoolOptions.CommittedHeightsKept"/> heights' worth.</summary>
    public int CommittedRemembered => _committed.Count;

    /// <summary>In the pool, or committed within the remembered heights.</summary>
    public bool IsKnown(Hash digest) => _batches.ContainsKey(digest) || _committed.Contains(digest);

    public int UnproposedCount => _unproposed.Count;

    /// <summary>Digests held back because a proposal references them; emptied by commit or <see cref="ReleaseStale"/>.</summary>
    public int ProposedCount => _proposedInRound.Count;

    /// <summary>Transactions in the batches not yet in a proposal: the backlog the network has yet to order.</summary>
    public long UnproposedTransactions { get; private set; }

    public bool Contains(Hash digest) => _batches.ContainsKey(digest);

    /// <summary>When the oldest batch not yet proposed arrived (the clock passed to <see cref="Add"/>); null when none waits.</summary>
    public long? OldestUnproposedArrivedMs => _unproposed.First is { } first ? _arrivedMs.GetValueOrDefault(first.Value) : null;

    public bool TryGet(Hash digest, out Batch batch) => _batches.TryGetValue(digest, out batch!);

    /// <summary>
    /// Adds a batch unless the pool is full or it is already known or committed. Returns whether it was added.
    /// <paramref name="arrivedMs"/> is the caller's clock, kept to tell how long unproposed work has waited.
    /// </summary>
    public bool Add(Batch batch, long arrivedMs = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var digest = batch.Digest;
        if (_batches.ContainsKey(digest) || _committed.Contains(digest) || _batches.Count >= options.PendingBatchesMax)
        {
            return false;
        }

        _batches[digest] = batch;
        _arrivedMs[digest] = arrivedMs;
        // A proposal can overtake the batch it references (they come from different validators): such a batch is
        // already proposed, and offering it again would let a second block order its transactions once more.
        if (!_proposedInRound.ContainsKey(digest))
        {
            _unproposedNodes[digest] = _unproposed.AddLast(digest);
            UnproposedTransactions += batch.Transactions.Count;
        }

        return true;
    }

    /// <summary>
    /// The oldest batches not yet in a proposal, up to the block's digest and transaction budgets (at least one batch),
    /// marked as proposed in <paramref name="round"/>.
    /// </summary>
    public List<Hash> TakeForProposal(ulong round)
    {
        var digests = new List<Hash>();
        long transactions = 0;
        while (_unproposed.First is { } node && digests.Count < options.DigestsPerBlockMax)
        {
            var count = _batches[node.Value].Transactions.Count;
            if (digests.Count > 0 && transactions + count > options.BlockTransactionsMax)
            {
                break;
            }

            transactions += count;
            UnproposedTransactions -= count;
            _unproposed.RemoveFirst();
            _unproposedNodes.Remove(node.Value);
            _proposedInRound[node.Value] = round;
            digests.Add(node.Value);
        }

        return digests;
    }

    /// <summary>Someone proposed these digests: do not propose them again while that proposal may still commit.</summary>
    public void MarkProposed(IEnumerable<Hash> digests, ulong round)
    {
        ArgumentNullException.ThrowIfNull(digests);
        foreach (var digest in digests)
        {
            if (_unproposedNodes.Remove(digest, out var node))
            {
                _unproposed.Remove(node);
                UnproposedTransactions -= _batches[digest].Transactions.Count;
            }

            if (!_committed.Contains(digest))
            {
                _proposedInRound[digest] = round;
            }
        }
    }

    /// <summary>
    /// Consensus committed a block at <paramref name="height"/> naming these digests; the node applies it later (its
    /// batches may still be fetched, its index may be behind). From now on they are never offered to a proposal again,
    /// though their batches stay until <see cref="MarkCommitted"/>. Without this, a validator whose applying lagged more
    /// than the stale-proposal rounds released digests that were in fact committed, and as leader proposed them again:
    /// their transactions were output twice (found by the fault campaign, <c>fairway chaos</c>).
    /// </summary>
    public void MarkOrdered(IEnumerable<Hash> digests, ulong height)
    {
        ArgumentNullException.ThrowIfNull(digests);
        foreach (var digest in digests)
        {
            if (_committed.Add(digest))
            {
                _committedOrder.Enqueue((height, digest));
            }

            _proposedInRound.Remove(digest);
            if (_unproposedNodes.Remove(digest, out var node))
            {
                _unproposed.Remove(node);
                UnproposedTransactions -= _batches[digest].Transactions.Count;
            }
        }

        Forget(height);
    }

    /// <summary>
    /// The batches of the block committed at <paramref name="height"/> leave the pool. Their digests are remembered for
    /// <see cref="MempoolOptions.CommittedHeightsKept"/> heights so a copy still in flight is not taken as new; a copy
    /// arriving later than that must be refused by the caller from the chain store, which holds every batch it stored.
    /// </summary>
    public void MarkCommitted(IEnumerable<Hash> digests, ulong height)
    {
        ArgumentNullException.ThrowIfNull(digests);
        var committed = digests as IReadOnlyCollection<Hash> ?? [.. digests];
        MarkOrdered(committed, height);
        foreach (var digest in committed)
        {
            _batches.Remove(digest);
            _arrivedMs.Remove(digest);
        }
    }

    private void Forget(ulong height)
    {
        while (_committedOrder.TryPeek(out var oldest) && oldest.Height + options.CommittedHeightsKept <= height)
        {
            _committed.Remove(_committedOrder.Dequeue().Digest);
        }
    }

    /// <summary>Proposed batches whose proposal is older than <paramref name="roundsAgo"/> rounds and never committed are offered again.</summary>
    public void ReleaseStale(ulong currentRound, ulong roundsAgo)
    {
        if (currentRound <= roundsAgo)
        {
            return;
        }

        var floor = currentRound - roundsAgo;
        foreach (var (digest, round) in _proposedInRound.Where(kv => kv.Value < floor).ToList())
        {
            _proposedInRound.Remove(digest);
            if (_batches.TryGetValue(digest, out var batch) && !_unproposedNodes.ContainsKey(digest))
            {
                _unproposedNodes[digest] = _unproposed.AddFirst(digest);
                UnproposedTransactions += batch.Transactions.Count;
            }
        }
    }
}
