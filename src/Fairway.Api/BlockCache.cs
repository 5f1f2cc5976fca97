using System.Collections.Concurrent;
using Fairway.Core.Chain;
using Fairway.Core.Proofs;
using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Api;

/// <summary>
/// Recent committed blocks with their decoded batches and per-batch namespace trees, shared by every reader. Streams and
/// rollups read the newest heights over and over (one request per namespace per height); without this each read would
/// decode the block's batches and rebuild their trees again. Bounded to the newest heights.
/// </summary>
public sealed class BlockCache(IQueryStore query, int heightsMax = 64)
{
    private readonly ConcurrentDictionary<ulong, Lazy<CachedBlock?>> _entries = new();

    public sealed record CachedBlock(CommittedBlock Committed, IReadOnlyList<Batch> Batches, BlockProofBuilder Proofs);

    public CachedBlock? Get(ulong height)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (height == 0 || height > query.IndexedHeight)
        {
            return null;
        }

        var entry = _entries.GetOrAdd(height, h => new Lazy<CachedBlock?>(() => Load(h), LazyThreadSafetyMode.ExecutionAndPublication));
        var value = entry.Value;
        if (value is null)
        {
            _entries.TryRemove(height, out _);
        }

        if (_entries.Count > heightsMax)
        {
            foreach (var old in _entries.Keys.Order().Take(_entries.Count - heightsMax))
            {
                _entries.TryRemove(old, out _);
            }
        }

        return value;
    }

    private CachedBlock? Load(ulong height)
    {
        var committed = query.GetBlock(height);
        var batches = query.GetBatches(height);
        return committed is null || batches is null ? null : new CachedBlock(committed, batches, new BlockProofBuilder(committed.Block, batches));
    }
}
