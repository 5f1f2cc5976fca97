namespace Fairway.Storage.Tests;

public sealed class InMemoryChainStoreTests : ChainStoreContract
{
    protected override IChainStore Open() => new InMemoryChainStore();
}
