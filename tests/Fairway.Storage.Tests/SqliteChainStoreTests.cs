using Fairway.Core.Chain;

namespace Fairway.Storage.Tests;

/// <summary>The contract against a real SQLite file, plus what only a durable store can do: survive a restart.</summary>
public sealed class SqliteChainStoreTests : ChainStoreContract
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("chain.db");

    protected override IChainStore Open() => new SqliteChainStore(DatabasePath);

    public override void Dispose()
    {
        base.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Reopening_the_file_gives_back_everything()
    {
        var chain = new TestChain(4, 3);
        chain.Batches.ForEach(Store.PutBatch);
        chain.Committed.ForEach(c => Store.PutBlock(c.Block));
        Store.AppendCommitted(chain.At(1));
        Store.AppendCommitted(chain.At(2));

        Reopen();

        Assert.Equal(2UL, Store.CommittedHeight);
        AssertSame(chain.At(1), Store.GetCommitted(1));
        AssertSame(chain.At(2), Store.GetCommitted(2));
        foreach (var batch in chain.Batches)
        {
            Assert.True(Store.TryGetBatch(batch.Digest, out var back));
            AssertSame(batch, back);
        }

        Assert.True(Store.TryFindTransaction(chain.At(2).Transactions[2].Hash, out var height, out var index));
        Assert.Equal((2UL, 2), (height, index));
        Assert.Equal([chain.At(3).Block.Hash, chain.At(4).Block.Hash], Store.LoadUncommittedBlocks().Select(b => b.Hash));
    }

    [Fact]
    public void After_a_restart_the_tip_is_remembered_for_the_parent_check()
    {
        var chain = new TestChain(3, 1);
        Store.AppendCommitted(chain.At(1));
        Reopen();

        var fork = TestChain.Child(new TestChain(1, 1, @namespace: 42).At(1));
        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(fork));
        Assert.Throws<InvalidOperationException>(() => Store.AppendCommitted(chain.At(3)));

        Store.AppendCommitted(chain.At(2));
        Reopen();
        Store.AppendCommitted(chain.At(3));
        Assert.Equal(3UL, Store.CommittedHeight);
    }

    [Fact]
    public void A_store_without_transaction_rows_reopens_and_returns_blocks_with_empty_lists()
    {
        var chain = new TestChain(3, 4);
        var path = _directory.File("lean.db");
        using (var lean = new SqliteChainStore(path, storeTransactions: false))
        {
            lean.AppendCommitted(chain.At(1));
            lean.AppendCommitted(chain.At(2));
        }

        using var reopened = new SqliteChainStore(path, storeTransactions: false);
        var committed = reopened.GetCommitted(2);

        Assert.Equal(2UL, reopened.CommittedHeight);
        Assert.Equal(chain.At(2).Block.Hash, committed!.Block.Hash);
        Assert.Empty(committed.Transactions);
        Assert.False(reopened.TryFindTransaction(chain.At(1).Transactions[0].Hash, out _, out _));
    }

    [Fact]
    public void A_new_database_uses_the_write_ahead_log()
    {
        Store.AppendCommitted(new TestChain(1, 1).At(1));

        Assert.True(File.Exists(DatabasePath + "-wal"), "WAL mode keeps a -wal file beside the database while it is open");
    }

    [Fact]
    public void A_disposed_store_refuses_use()
    {
        var store = Store;
        Reopen();

        Assert.Throws<ObjectDisposedException>(() => store.PutBlock(Block.Genesis(TestChain.ChainId)));
        store.Dispose();
    }
}
