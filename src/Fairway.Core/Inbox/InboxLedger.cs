namespace Fairway.Core.Inbox;

/// <summary>
/// A validator's view of the L1 inbox: the entries read from final L1 blocks that the committed chain has not yet
/// included (plus a few included ones, for proposals on a parent a little behind), and the L1 block through which every
/// post has been read. Bounded: at most <see cref="PendingMax"/> entries are held; a reader that finds it full reads no
/// further until the chain includes some, so the L1 is read later rather than memory growing. Thread-safe: the L1
/// watcher writes it, consensus reads it.
/// </summary>
public sealed class InboxLedger
{
    /// <summary>Entries held at most: far more than the chain falls behind by, since every block may include 64.</summary>
    public const int PendingMax = 4_096;

    /// <summary>Included entries kept below the committed index.</summary>
    public const int IncludedKept = 256;

    private readonly SortedDictionary<ulong, InboxItem> _items = [];
    private readonly Lock _gate = new();
    private ulong _readThrough;
    private ulong _included;

    /// <summary>The L1 block through which every post has been read (0 before the first read).</summary>
    public ulong ReadThrough
    {
        get
        {
            lock (_gate)
            {
                return _readThrough;
            }
        }
    }

    /// <summary>The inbox index the committed chain includes up to, as last told by <see cref="Included"/>.</summary>
    public ulong IncludedIndex
    {
        get
        {
            lock (_gate)
            {
                return _included;
            }
        }
    }

    /// <summary>The newest index read (0 for none).</summary>
    public ulong LatestIndex
    {
        get
        {
            lock (_gate)
            {
                return LatestLocked();
            }
        }
    }

    /// <summary>How many more entries not yet included the ledger takes: a reader reads no more than this at once.</summary>
    public int Room
    {
        get
        {
            lock (_gate)
            {
                return PendingMax - PendingLocked();
            }
        }
    }

    /// <summary>
    /// Records the posts of final L1 blocks up to <paramref name="throughBlock"/>, in index order. They must continue the
    /// entries held (no gap, nothing posted after <paramref name="throughBlock"/>); an already-held index must be the
    /// same entry. Throws <see cref="InvalidDataException"/> otherwise, changing nothing: a watcher that reads the
    /// L1 wrongly (or an L1 that reorganised deeper than the confirmation depth) must not feed validators a wrong view.
    /// </summary>
    public void Add(IReadOnlyList<InboxItem> items, ulong throughBlock)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (_gate)
        {
            var expected = LatestLocked() + 1;
            foreach (var item in items)
            {
                if (_items.TryGetValue(item.Index, out var held) || item.Index <= _included)
                {
                    if (held is not null && !Same(held, item))
                    {
                        throw new InvalidDataException($"inbox entry {item.Index} read twice with different contents");
                    }

                    continue;
                }

                if (item.Index != expected || item.PostedBlock > throughBlock || item.DeadlineBlock <= item.PostedBlock)
                {
                    throw new InvalidDataException(
                        $"inbox entry {item.Index} (posted in L1 block {item.PostedBlock}, deadline {item.DeadlineBlock}) does not continue at {expected} through block {throughBlock}");
                }

                expected++;
            }

            if (items.Count(i => i.Index > _included && !_items.ContainsKey(i.Index)) + PendingLocked() > PendingMax)
            {
                throw new InvalidDataException($"more than {PendingMax} inbox entries pending");
            }

            foreach (var item in items)
            {
                if (item.Index > _included)
                {
                    _items.TryAdd(item.Index, item);
                }
            }

            _readThrough = Math.Max(_readThrough, throughBlock);
        }
    }

    /// <summary>The committed chain now includes up to <paramref name="index"/>: older entries are let go.</summary>
    public void Included(ulong index)
    {
        lock (_gate)
        {
            if (index <= _included)
            {
                return;
            }

            _included = index;
            while (_items.Count > 0 && _items.Keys.First() + IncludedKept <= index)
            {
                _items.Remove(_items.Keys.First());
            }
        }
    }

    /// <summary>Starts over (the L1 went back): entries are read again from the included index.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _items.Clear();
            _readThrough = 0;
        }
    }

    public InboxItem? Get(ulong index)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(index);
        }
    }

    private ulong LatestLocked() => _items.Count == 0 ? _included : Math.Max(_included, _items.Keys.Last());

    /// <summary>Entries held that the chain has not included.</summary>
    private int PendingLocked() => _items.Count(kv => kv.Key > _included);

    private static bool Same(InboxItem a, InboxItem b) =>
        a.Namespace == b.Namespace && a.PostedBlock == b.PostedBlock && a.DeadlineBlock == b.DeadlineBlock && a.Payload.AsSpan().SequenceEqual(b.Payload);
}
