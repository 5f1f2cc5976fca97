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
    public void A_chain_store_file_is_refused_rather_than_misread()
    {
        var chainPath = Path.Combine(_directory, "chain.db");
        new SqliteChainStore(chainPath).Dispose();

        Assert.Throws<InvalidDataException>(() => new SqliteQueryStore(chainPath));
    }
}
