using Fairway.Api;
using Fairway.Storage.Query;

namespace Fairway.Query.Tests;

/// <summary>The API's cache of fresh blocks: fed by the node as it indexes, bounded by transactions, backed by the index.</summary>
public sealed class BlockCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fairway-cache-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteQueryStore _store;

    public BlockCacheTests() => _store = new SqliteQueryStore(Path.Combine(_directory, "query.db"));

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Large_blocks_push_older_ones_out_but_the_newest_stays_and_evicted_heights_reload_from_the_index()
    {
        var chain = new QueryTestChain(0);
        var cache = new BlockCache(_store);
        for (var h = 1UL; h <= 3; h++)
        {
            var (committed, batches) = chain.Next(batchCount: 4, transactionsPerBatch: BlockCache.TransactionsMax / 6);
            _store.Index(committed, batches);
            cache.Add(committed);
        }

        // Three blocks of 2/3 of the bound each: only the newest fits.
        Assert.Equal(1, cache.Count);
        Assert.Same(chain.At(3), cache.Get(3)!.Committed);

        var reloaded = cache.Get(1)!;
        Assert.Equal(chain.At(1).Transactions, reloaded.Committed.Transactions);
        Assert.Null(cache.Get(4));
    }

    [Fact]
    public void Small_blocks_are_kept_up_to_the_height_bound()
    {
        var chain = new QueryTestChain(0);
        var cache = new BlockCache(_store, heightsMax: 5);
        for (var h = 1UL; h <= 8; h++)
        {
            var (committed, batches) = chain.Next(batchCount: 1, transactionsPerBatch: 3);
            _store.Index(committed, batches);
            cache.Add(committed);
        }

        Assert.Equal(5, cache.Count);
        Assert.Same(chain.At(8), cache.Get(8)!.Committed);
    }
}
