namespace Fairway.Consensus.Engine;

/// <summary>
/// Per-round buckets that can be dropped from the oldest round up, so memory stays bounded by the rounds window
/// and pruning never scans every entry.
/// </summary>
internal sealed class RoundIndexed<T> where T : new()
{
    private readonly Dictionary<ulong, T> _byRound = [];
    private ulong _oldest = ulong.MaxValue;

    /// <summary>Rounds held now.</summary>
    public int Count => _byRound.Count;

    public T GetOrAdd(ulong round)
    {
        if (!_byRound.TryGetValue(round, out var bucket))
        {
            bucket = new T();
            _byRound[round] = bucket;
            _oldest = Math.Min(_oldest, round);
        }

        return bucket;
    }

    public bool TryGet(ulong round, out T bucket) => _byRound.TryGetValue(round, out bucket!);

    /// <summary>Drops every bucket for a round below <paramref name="round"/>.</summary>
    public void RemoveBelow(ulong round)
    {
        if (_byRound.Count == 0 || _oldest >= round)
        {
            return;
        }

        if (round - _oldest > (ulong)_byRound.Count * 4)
        {
            foreach (var r in _byRound.Keys.Where(r => r < round).ToList())
            {
                _byRound.Remove(r);
            }
        }
        else
        {
            for (var r = _oldest; r < round; r++)
            {
                _byRound.Remove(r);
            }
        }

        _oldest = _byRound.Count == 0 ? ulong.MaxValue : Math.Max(round, _byRound.Keys.Min());
    }
}
