using Fairway.Core.Chain;
using Fairway.Storage.Query;

namespace Fairway.Storage;

/// <summary>Reads over a chain store that validators and full nodes both make.</summary>
public static class ChainStoreReads
{
    /// <summary>The batches <paramref name="block"/> names, in its order; every one must be stored (a committed block's are).</summary>
    public static List<Batch> BatchesOf(this IChainStore chain, Block block)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(block);
        return [.. block.AllBatchDigests.Select(d => chain.TryGetBatch(d, out var b) ? b : throw new InvalidOperationException($"batch {d} of committed height {block.Height} is missing from the chain store"))];
    }

    /// <summary>Height <paramref name="height"/> whole, for a follower; null while it is not committed with its output certificate.</summary>
    public static FirmBlock? FirmBlockAt(this IChainStore chain, ulong height)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return height > 0 && chain.GetCommitted(height) is { OutputCertificate: not null } committed
            ? new FirmBlock(committed, chain.BatchesOf(committed.Block))
            : null;
    }

    /// <summary>Indexes the certified heights the query store lacks (a crash between certification and index, or a new query database).</summary>
    public static void IndexCertified(this IQueryStore query, IChainStore chain)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(chain);
        for (var height = query.IndexedHeight + 1; height <= chain.CertifiedHeight; height++)
        {
            var stored = chain.GetCommitted(height)!;
            query.Index(stored, chain.BatchesOf(stored.Block));
        }
    }
}
