namespace Fairway.Storage.Tests;

/// <summary>The contract against the SQLite store opened the way NodeHost opens it, without transaction rows.</summary>
public sealed class LeanSqliteChainStoreTests : ChainStoreContract
{
    private readonly TempDirectory _directory = new();

    protected override IChainStore Open() => new SqliteChainStore(_directory.File("chain.db"), storeTransactions: false);

    public override void Dispose()
    {
        base.Dispose();
        _directory.Dispose();
    }
}
