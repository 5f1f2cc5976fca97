using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;

namespace Fairway.Ordering.Fair;

/// <summary>
/// When this validator first saw each fair-lane transaction not yet included, by its own clock: from a client or inside a
/// peer's batch, whichever came first. Its candidate lists are drawn from here. Bounded: when it holds
/// <c>capacity</c> transactions a new one is refused (the caller answers a client with busy), because silently
/// forgetting a receive time would make this validator omit a transaction it gave a receipt for.
/// </summary>
public sealed class ReceiveLog(int capacity)
{
    private readonly Dictionary<Hash, (ulong At, Hash Batch)> _receivedAt = [];

    /// <summary>Receive order, oldest first; an included transaction leaves it with its receive time.</summary>
    private readonly SortedSet<(ulong At, Hash Transaction)> _byTime = [];

    public int Count => _receivedAt.Count;

    /// <summary>Records the first sighting; a repeat keeps the first time. False only when full and the transaction is new.</summary>
    public bool TryRecord(Hash transaction, ulong nowMs, Hash batch = default)
    {
        if (_receivedAt.ContainsKey(transaction))
        {
            return true;
        }

        if (_receivedAt.Count >= capacity)
        {
            return false;
        }

        _receivedAt[transaction] = (nowMs, batch);
        _byTime.Add((nowMs, transaction));
        return true;
    }

    public bool TryGetReceivedAt(Hash transaction, out ulong receivedAtMs)
    {
        var found = _receivedAt.TryGetValue(transaction, out var seen);
        receivedAtMs = seen.At;
        return found;
    }

    /// <summary>Included transactions leave: they are in no later list.</summary>
    public void OnIncluded(IEnumerable<Hash> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        foreach (var transaction in transactions)
        {
            if (_receivedAt.Remove(transaction, out var seen))
            {
                _byTime.Remove((seen.At, transaction));
            }
        }
    }

    /// <summary>
    /// What this validator lists now: transactions held for at least <paramref name="delayMs"/>, oldest first, at most
    /// <paramref name="max"/> of them (the rest wait for a later round, still oldest first).
    /// </summary>
    public List<CandidateEntry> Candidates(ulong nowMs, ulong delayMs, int max, Func<Hash, bool>? skip = null)
    {
        var entries = new List<CandidateEntry>();
        foreach (var (at, transaction) in _byTime)
        {
            if (entries.Count >= max || at + delayMs > nowMs)
            {
                break;
            }

            if (skip?.Invoke(transaction) == true)
            {
                continue;
            }

            entries.Add(new CandidateEntry(transaction, at, _receivedAt[transaction].Batch));
        }

        return entries;
    }
}
