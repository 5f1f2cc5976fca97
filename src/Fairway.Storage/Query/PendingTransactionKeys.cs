namespace Fairway.Storage.Query;

/// <summary>
/// Transaction keys of recently indexed blocks, held in memory and written to the on-disk key table in large sorted
/// generations rather than block by block. Keys are hash prefixes, so every block's keys land on random pages of the
/// table's B-tree; written per block, each transaction cost a rewritten 4 KB page and this one table capped the whole
/// network's throughput. Written a generation at a time in key order, each page is rewritten once per generation.
/// <para>
/// Nothing here needs to survive a crash: the keys are derived from the batches, which are stored durably with their
/// block. The store records the height up to which generations are complete on disk, and rebuilds the rest from the
/// batches when it opens. A generation is written in slices (one per indexing call), so no single call holds the
/// store's lock for long; rows of a slice that was written before a crash are written again and ignored.
/// </para>
/// Not thread-safe: the owning store calls it under its lock.
/// </summary>
internal sealed class PendingTransactionKeys(int generationKeys, int sliceKeys)
{
    private Dictionary<long, List<KeyEntry>> _filling = [];
    private int _fillingCount;
    private ulong _fillingMaxHeight;

    private KeyEntry[]? _writing;
    private Dictionary<long, List<KeyEntry>>? _writingLookup;
    private int _written;
    private ulong _writingMaxHeight;

    /// <summary>A key row: the transaction's hash key, its place in the block, and where its bytes sit in its batch blob.</summary>
    public readonly record struct KeyEntry(long Key, ulong Height, int Index, int Position, int Offset, int Length);

    public void AddRange(IEnumerable<KeyEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_filling.TryGetValue(entry.Key, out var list))
            {
                list = new List<KeyEntry>(1);
                _filling[entry.Key] = list;
            }

            list.Add(entry);
            _fillingCount++;
            _fillingMaxHeight = Math.Max(_fillingMaxHeight, entry.Height);
        }
    }

    /// <summary>Entries with this key that are not on disk yet (they may also be on disk after a crash and rebuild).</summary>
    public IEnumerable<KeyEntry> Find(long key)
    {
        if (_filling.TryGetValue(key, out var filling))
        {
            foreach (var e in filling)
            {
                yield return e;
            }
        }

        if (_writingLookup is not null && _writingLookup.TryGetValue(key, out var writing))
        {
            foreach (var e in writing)
            {
                yield return e;
            }
        }
    }

    /// <summary>
    /// The next slice to write, in key order, or an empty span when there is nothing to write yet. A generation starts
    /// once enough keys have gathered.
    /// </summary>
    public ReadOnlySpan<KeyEntry> NextSlice()
    {
        if (_writing is null)
        {
            if (_fillingCount < generationKeys)
            {
                return [];
            }

            var rows = new KeyEntry[_fillingCount];
            var keys = new long[_fillingCount];
            var n = 0;
            foreach (var list in _filling.Values)
            {
                foreach (var e in list)
                {
                    keys[n] = e.Key;
                    rows[n++] = e;
                }
            }

            // Key order is what makes the write touch each page once; rows sharing a key may go in any order.
            Array.Sort(keys, rows);
            _writing = rows;
            _writingLookup = _filling;
            _writingMaxHeight = _fillingMaxHeight;
            _written = 0;
            _filling = [];
            _fillingCount = 0;
            _fillingMaxHeight = 0;
        }

        return _writing.AsSpan(_written, Math.Min(sliceKeys, _writing.Length - _written));
    }

    /// <summary>
    /// Records that the slice from <see cref="NextSlice"/> is on disk. Returns the height whose keys are now complete
    /// on disk when this finished a generation, else null.
    /// </summary>
    public ulong? SliceWritten(int count)
    {
        if (_writing is null)
        {
            return null;
        }

        _written += count;
        if (_written < _writing.Length)
        {
            return null;
        }

        var complete = _writingMaxHeight;
        _writing = null;
        _writingLookup = null;
        _written = 0;
        return complete;
    }
}
