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
    public void A_revealed_output_survives_a_restart_with_its_plaintexts_and_openings()
    {
        var revealed = StoreRevealedOutput();
        Reopen();
        AssertRevealedOutputKept(revealed);
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

        Assert.Equal([chain.At(3).Block.Hash, chain.At(4).Block.Hash], Store.LoadUncommittedBlocks().Select(b => b.Hash));
    }

    [Fact]
    public void After_a_restart_the_tip_is_remembered_for_the_parent_check()
    {
        var chain = new TestChain(3, 1);
        Store.PutBatches(chain.Batches);
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
    public void A_commit_whose_write_fails_reports_the_writes_own_error_keeps_the_tip_and_can_be_retried()
    {
        var chain = new TestChain(2, 1);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));

        // A trigger added from another connection makes the write fail inside the store's transaction, as a full disk
        // does at its commit; the store must pass that error up (the node tells a full disk by it), not one of its own.
        ExecuteOnFile("CREATE TRIGGER injected_failure BEFORE INSERT ON committed BEGIN SELECT RAISE(ABORT, 'injected write failure'); END");
        var failure = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => Store.AppendCommitted(chain.At(2)));
        Assert.Contains("injected write failure", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1UL, Store.CommittedHeight);
        Assert.Null(Store.GetCommitted(2));

        ExecuteOnFile("DROP TRIGGER injected_failure");
        Store.AppendCommitted(chain.At(2));
        Store.Flush();
        Reopen();
        Assert.Equal(2UL, Store.CommittedHeight);
        AssertSame(chain.At(2), Store.GetCommitted(2));
    }

    private void ExecuteOnFile(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Committed_transactions_are_kept_once_in_their_batches_and_read_back_after_a_reopen()
    {
        var chain = new TestChain(2, 4);
        Store.PutBatches(chain.Batches);
        Store.AppendCommittedMany([chain.At(1), chain.At(2)]);
        Reopen();

        AssertSame(chain.At(2), Store.GetCommitted(2));
        Store.Dispose();
        Assert.Equal(["batch_receipts", "batches", "blocks", "committed", "sync_marker"], Tables(DatabasePath));
    }

    [Fact]
    public void Output_certificates_and_the_certified_height_survive_a_reopen()
    {
        var chain = new TestChain(2, 2);
        Store.PutBatches(chain.Batches);
        Store.AppendCommittedMany([chain.At(1), chain.At(2)]);
        Store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(1)));
        Store.Flush();
        Reopen();

        Assert.Equal(1UL, Store.CertifiedHeight);
        Assert.Equal(TestChain.CertifyOutput(chain.At(1)), Store.GetCommitted(1)!.OutputCertificate);
        Store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(2)));
        Assert.Equal(2UL, Store.CertifiedHeight);
    }

    [Fact]
    public void Batch_receipts_survive_a_reopen_and_a_version_3_file_gains_their_table()
    {
        var receipt = new BatchReceipt(Fairway.Core.Crypto.Hash.Compute("b"u8), 42);
        Store.PutBatchReceipts([receipt]);
        Store.Flush();
        Reopen();
        Assert.Equal([receipt], Store.LoadBatchReceipts(0, 10));

        Store.Dispose();
        Sql(DatabasePath, "DROP TABLE batch_receipts");
        Sql(DatabasePath, "PRAGMA user_version=3");
        Reopen();
        Assert.Empty(Store.LoadBatchReceipts(0, 10));
        Assert.Equal(4L, Sql(DatabasePath, "PRAGMA user_version"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_file_from_before_certified_outputs_is_refused_with_the_way_out_and_left_untouched(int version)
    {
        var chain = new TestChain(1, 3);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));
        Store.Dispose();
        Sql(DatabasePath, $"PRAGMA user_version={version}");
        var before = File.ReadAllBytes(DatabasePath);
        Reopen();

        var error = Assert.Throws<InvalidDataException>(() => Store.CommittedHeight);
        Assert.Contains($"schema version {version}", error.Message, StringComparison.Ordinal);
        Assert.Contains("syncs the chain from its peers", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(DatabasePath));
    }

    private static List<string> Tables(string path)
    {
        using var connection = Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static object? Sql(string path, string sql)
    {
        using var connection = Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static Microsoft.Data.Sqlite.SqliteConnection Connect(string path)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    [Fact]
    public void A_new_database_uses_the_write_ahead_log()
    {
        var chain = new TestChain(1, 1);
        Store.PutBatches(chain.Batches);
        Store.AppendCommitted(chain.At(1));

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
