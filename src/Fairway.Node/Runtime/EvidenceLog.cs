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

    /// <summary>The records held, by their evidence hash (what the L1 names them by): a slash-report request finds its record without hashing them all.</summary>
    private readonly Dictionary<string, EvidenceRecord> _byEvidenceHash = new(StringComparer.Ordinal);

    /// <summary>Each held record's evidence hash, in the order of <see cref="_records"/>, so forgetting one does not hash it again.</summary>
    private readonly Queue<string> _hashes = new();
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

            var hash = EvidenceHash.Hex(record);
            _records.Add(record);
            _hashes.Enqueue(hash);
            _byEvidenceHash.TryAdd(hash, record);
            Total++;
            if (_records.Count > capacity)
            {
                var old = _records[0];
                _records.RemoveAt(0);
                _seen.Remove((old.Kind, old.Validator, old.Round, old.Height));
                var oldHash = _hashes.Dequeue();
                if (_byEvidenceHash.TryGetValue(oldHash, out var held) && ReferenceEquals(held, old))
                {
                    _byEvidenceHash.Remove(oldHash);
                }
                _dropped++;
            }
        }

        return true;
    }

    /// <summary>The record held with this evidence hash, or null.</summary>
    public EvidenceRecord? FindByEvidenceHash(byte[] evidenceHash)
    {
        var key = "0x" + Convert.ToHexStringLower(evidenceHash);
        lock (_gate)
        {
            return _byEvidenceHash.GetValueOrDefault(key);
        }
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
