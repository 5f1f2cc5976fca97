using Fairway.Api;

namespace Fairway.Node.Runtime;

/// <summary>
/// Evidence this validator found, in the order found, each misbehaviour once (by kind, validator, round and height),
/// the oldest forgotten past <c>capacity</c>: a faulty peer equivocating every round cannot fill memory. Written by the
/// event loop, read by API threads. It is what becomes slashing once staking exists.
/// </summary>
internal sealed class EvidenceLog(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<EvidenceRecord> _records = [];
    private readonly HashSet<(string, int, ulong?, ulong?)> _seen = [];
    private long _dropped;

    /// <summary>Records found so far, forgotten ones included: the index of the next record ever added.</summary>
    public long Total { get; private set; }

    /// <summary>False when the same misbehaviour is already held (or was, and is still remembered).</summary>
    public bool Add(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (!_seen.Add((record.Kind, record.Validator, record.Round, record.Height)))
            {
                return false;
            }

            _records.Add(record);
            Total++;
            if (_records.Count > capacity)
            {
                var old = _records[0];
                _records.RemoveAt(0);
                _seen.Remove((old.Kind, old.Validator, old.Round, old.Height));
                _dropped++;
            }
        }

        return true;
    }

    /// <summary>Records from index <paramref name="from"/> (counting every record ever added), at most <paramref name="max"/>.</summary>
    public (IReadOnlyList<EvidenceRecord> Records, long Next) Read(long from, int max)
    {
        lock (_gate)
        {
            var start = (int)Math.Clamp(from - _dropped, 0, _records.Count);
            var page = _records.Skip(start).Take(max).ToList();
            return (page, _dropped + start + page.Count);
        }
    }
}
