using Fairway.Storage;
using Fairway.Storage.Query;

namespace Fairway.Query.Tests;

/// <summary>The contract against a SQLite file in a fresh temp directory, plus what is particular to a file.</summary>
public sealed class SqliteQueryStoreTests : QueryStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fairway-query-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "query.db");

    protected override IQueryStore Open() => new SqliteQueryStore(DatabasePath);

    public override void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_index_uses_the_write_ahead_log()
    {
        IndexAll(new QueryTestChain(1));

        Assert.True(File.Exists(DatabasePath + "-wal"), "WAL mode keeps a -wal file beside the database while it is open");
    }

    [Fact]
    public void An_index_of_an_older_schema_is_dropped_and_rebuilt_empty()
    {
        Directory.CreateDirectory(_directory);
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = "PRAGMA application_id=1180127561; PRAGMA user_version=1; CREATE TABLE blocks(height INTEGER PRIMARY KEY, stale BLOB);"
                + " INSERT INTO blocks VALUES (1, x'00'), (2, x'00');";
            command.ExecuteNonQuery();
        }

        Assert.Equal(0UL, Store.IndexedHeight);
        IndexAll(new QueryTestChain(2));
        Assert.Equal(2UL, Store.IndexedHeight);
    }

    [Fact]
    public void An_index_from_a_newer_build_is_refused()
    {
        Directory.CreateDirectory(_directory);
        using (var newer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            newer.Open();
            using var command = newer.CreateCommand();
            command.CommandText = "PRAGMA application_id=1180127561; PRAGMA user_version=99;";
            command.ExecuteNonQuery();
        }

        Assert.Throws<InvalidDataException>(() => new SqliteQueryStore(DatabasePath));
    }

    [Fact]
    public void A_restart_in_the_middle_of_a_key_generation_rewrites_it_and_loses_no_key()
    {
        var chain = new QueryTestChain(0);
        for (var i = 0; i < 4; i++)
        {
            chain.Next(batchCount: 1, transactionsPerBatch: 4);
        }

        // A generation of 4 keys written 2 per call: after block 1 half of its keys are on disk, none recorded as done.
        var store = new SqliteQueryStore(DatabasePath, keyGeneration: 4, keySlice: 2);
        store.Index(chain.At(1), chain.BatchesAt(1));
        store.Dispose();

        using var reopened = new SqliteQueryStore(DatabasePath, keyGeneration: 4, keySlice: 2);
        AssertFound(reopened, chain, upTo: 1);
        for (var h = 2UL; h <= 4; h++)
        {
            reopened.Index(chain.At(h), chain.BatchesAt(h)); // rewrites the half already on disk without a conflict
        }

        AssertFound(reopened, chain, upTo: 4);
    }

    private static void AssertFound(SqliteQueryStore store, QueryTestChain chain, ulong upTo)
    {
        for (var h = 1UL; h <= upTo; h++)
        {
            var transactions = chain.At(h).Transactions;
            for (var i = 0; i < transactions.Count; i++)
            {
                var found = store.FindTransaction(transactions[i].Hash);
                Assert.NotNull(found);
                Assert.Equal((h, i), (found.Height, found.Index));
            }
        }
    }

    [Fact]
    public void A_chain_store_file_is_refused_rather_than_misread()
    {
        var chainPath = Path.Combine(_directory, "chain.db");
        new SqliteChainStore(chainPath).Dispose();

        Assert.Throws<InvalidDataException>(() => new SqliteQueryStore(chainPath));
    }
}

/// <summary>
/// The whole contract again with key generations of three transactions, so that lookups cross the in-memory keys, the
/// slices being written and the on-disk table, and reopening rebuilds only what had not reached the disk.
/// </summary>
public sealed class SqliteQueryStoreSmallKeyGenerationTests : QueryStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fairway-query-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "query.db");

    protected override IQueryStore Open() => new SqliteQueryStore(DatabasePath, keyGeneration: 3);

    public override void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Keys_reach_the_disk_in_generations_and_every_transaction_stays_findable_across_reopening()
    {
        var chain = new QueryTestChain(0);
        for (var i = 0; i < 6; i++)
        {
            chain.Next(batchCount: 2, transactionsPerBatch: 2);
        }

        IndexAll(chain);
        Assert.True(KeysOnDisk() > 0, "some generations were written");
        Assert.True(KeyProgress() > 0, "the progress height advanced with the completed generations");
        AssertAllFound(chain);

        Reopen();
        AssertAllFound(chain);
        chain.Next(batchCount: 1, transactionsPerBatch: 5);
        Store.Index(chain.At(7), chain.BatchesAt(7));
        AssertAllFound(chain);
    }

    private void AssertAllFound(QueryTestChain chain)
    {
        foreach (var (committed, _) in chain.Blocks)
        {
            for (var i = 0; i < committed.Transactions.Count; i++)
            {
                var found = Store.FindTransaction(committed.Transactions[i].Hash);
                Assert.NotNull(found);
                Assert.Equal((committed.Height, i), (found.Height, found.Index));
                Assert.Equal(committed.Transactions[i], found.Transaction);
            }
        }
    }

    private long KeysOnDisk() => Query("SELECT COUNT(*) FROM transaction_keys");

    private long KeyProgress() => Query("SELECT height FROM key_progress");

    private long Query(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
