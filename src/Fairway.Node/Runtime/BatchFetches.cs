using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Node.Runtime;

/// <summary>
/// Batches this validator asked its peers for by digest, and the ones that came back, until the block that needed them
/// commits. Entries are also dropped once older than <paramref name="roundsKept"/> rounds: a request may never be
/// answered (the peer lacks the batch, or it arrived by broadcast first) and a fetched batch may belong to a block that
/// never commits. Dropping is safe because a fetched batch is also written to the chain store, where the node finds it
/// later, and an unanswered request is simply asked again while still needed.
/// Not thread-safe: the node's event loop owns it.
/// </summary>
internal sealed class BatchFetches(ulong roundsKept)
{
    private readonly Dictionary<Hash, (long AtMs, ulong Round)> _requested = [];
    private readonly Dictionary<Hash, (Batch Batch, ulong Round)> _fetched = [];
    private ulong _prunedAtRound;

    public int Requested => _requested.Count;

    public int Fetched => _fetched.Count;

    /// <summary>Batches asked for by digest and received, since start (for the operator's summary).</summary>
    public long FetchedTotal { get; private set; }

    /// <summary>Digests asked for, counting every re-ask, since start.</summary>
    public long AskedTotal { get; private set; }

    /// <summary>
    /// Of <paramref name="missing"/>, the digests never asked for or last asked <paramref name="retryMs"/> ago or more,
    /// at most <paramref name="max"/>; they are recorded as asked now.
    /// </summary>
    public List<Hash> TakeDue(IEnumerable<Hash> missing, long nowMs, long retryMs, int max, ulong round)
    {
        var due = missing.Where(d => !_requested.TryGetValue(d, out var at) || nowMs - at.AtMs >= retryMs).Take(max).ToList();
        foreach (var digest in due)
        {
            _requested[digest] = (nowMs, round);
        }

        AskedTotal += due.Count;
        return due;
    }

    /// <summary>Keeps <paramref name="batch"/> if it was asked for (content-addressed: nothing unasked is taken).</summary>
    public bool TryAccept(Batch batch, ulong round)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_requested.Remove(batch.Digest))
        {
            return false;
        }

        _fetched[batch.Digest] = (batch, round);
        FetchedTotal++;
        return true;
    }

    public bool TryGet(Hash digest, out Batch batch)
    {
        if (_fetched.TryGetValue(digest, out var entry))
        {
            batch = entry.Batch;
            return true;
        }

        batch = null!;
        return false;
    }

    /// <summary>The block that referenced these digests committed: neither the request nor the copy is needed any more.</summary>
    public void Forget(IEnumerable<Hash> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        foreach (var digest in digests)
        {
            _requested.Remove(digest);
            _fetched.Remove(digest);
        }
    }

    /// <summary>Drops entries from rounds more than <c>roundsKept</c> before <paramref name="currentRound"/>; scans once per round at most.</summary>
    public void Prune(ulong currentRound)
    {
        if (currentRound <= roundsKept || currentRound == _prunedAtRound)
        {
            return;
        }

        _prunedAtRound = currentRound;
        var floor = currentRound - roundsKept;
        foreach (var digest in _requested.Where(kv => kv.Value.Round < floor).Select(kv => kv.Key).ToList())
        {
            _requested.Remove(digest);
        }

        foreach (var digest in _fetched.Where(kv => kv.Value.Round < floor).Select(kv => kv.Key).ToList())
        {
            _fetched.Remove(digest);
        }
    }
}
