using System.Collections.Concurrent;
using Fairway.Core.Chain;
using Fairway.Core.Proofs;
using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Api;

/// <summary>
/// Recent firm blocks with their outputs and output trees, shared by every reader. Streams and
/// rollups read the newest heights over and over (one request per namespace per height); without this each read would
/// decode the block's batches and rebuild the output's tree again. Bounded to the newest heights.
/// </summary>
public sealed class BlockCache(IQueryStore query, int heightsMax = 64)
{
    private readonly ConcurrentDictionary<ulong, Lazy<CachedBlock?>> _entries = new();

    public sealed record CachedBlock(CommittedBlock Committed, OutputProofBuilder Proofs);

    /// <summary>Heights held right now.</summary>
    public int Count => _entries.Count;

    public CachedBlock? Get(ulong height)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (height == 0 || height > query.IndexedHeight)
        {
            return null;
        }

        if (_entries.TryGetValue(height, out var held))
        {
            return held.Value;
        }

        // A miss reads the block back from the index; only then can the cache have grown past its bounds.
        var entry = _entries.GetOrAdd(height, h => new Lazy<CachedBlock?>(() => Load(h), LazyThreadSafetyMode.ExecutionAndPublication));
        var value = entry.Value;
        if (value is null)
        {
            _entries.TryRemove(height, out _);
        }

        Trim();
        return value;
    }

    /// <summary>
    /// Offers a block just indexed, as the node holds it in memory, so the readers of the newest heights (streams above
    /// all) never read it back from the index and decode its batches again.
    /// </summary>
    public void Add(CommittedBlock committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var entry = new CachedBlock(committed, new OutputProofBuilder(committed.Output));
        _entries[committed.Height] = new Lazy<CachedBlock?>(entry);
        Trim();
    }

    /// <summary>Transactions the cache holds at most (whole blocks; the newest block always stays): blocks can be large under load.</summary>
    public const int TransactionsMax = 65_536;

    private void Trim()
    {
        var heights = _entries.Keys.Order().ToList();
        var transactions = 0L;
        foreach (var height in heights)
        {
            if (_entries.TryGetValue(height, out var entry) && entry.IsValueCreated && entry.Value is { } cached)
            {
                transactions += cached.Committed.Transactions.Count;
            }
        }

        for (var i = 0; i < heights.Count - 1 && (heights.Count - i > heightsMax || transactions > TransactionsMax); i++)
        {
            if (_entries.TryRemove(heights[i], out var removed) && removed.IsValueCreated && removed.Value is { } gone)
            {
                transactions -= gone.Committed.Transactions.Count;
            }
        }
    }

    private CachedBlock? Load(ulong height)
    {
        var committed = query.GetBlock(height);
        return committed is null ? null : new CachedBlock(committed, new OutputProofBuilder(committed.Output));
    }
}
