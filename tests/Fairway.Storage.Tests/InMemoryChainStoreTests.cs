using Fairway.Core.Crypto;

namespace Fairway.Storage.Tests;

public sealed class InMemoryChainStoreTests : ChainStoreContract
{
    protected override IChainStore Open() => new InMemoryChainStore();

    /// <summary>
    /// The twin loses on a power cut exactly what the SQLite store may lose: writes made without an fsync since the last
    /// durable write. Commits and whatever preceded a flush or a commit survive.
    /// </summary>
    [Fact]
    public void A_power_cut_loses_only_what_was_written_since_the_last_flush_or_commit()
    {
        var chain = new TestChain(3, 2);
        var store = new InMemoryChainStore();
        store.PutBatches(chain.Batches);
        store.PutBlock(chain.At(3).Block);
        store.AppendCommittedMany([chain.At(1)]);

        // Durable from here: batches and block 3 rode on the commit. Then a certificate and block 2, not flushed.
        store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(1)));
        store.PutBlock(chain.At(2).Block);
        store.LoseUnsyncedWrites();

        Assert.Equal(1UL, store.CommittedHeight);
        Assert.Equal(0UL, store.CertifiedHeight);
        Assert.True(store.TryGetBlock(chain.At(3).Block.Hash, out _));
        Assert.False(store.TryGetBlock(chain.At(2).Block.Hash, out _));
        Assert.All(chain.Batches, b => Assert.True(store.TryGetBatch(b.Digest, out _)));

        store.PutOutputCertificate(TestChain.CertifyOutput(chain.At(1)));
        store.PutBlock(chain.At(2).Block);
        store.Flush();
        store.LoseUnsyncedWrites();

        Assert.Equal(1UL, store.CertifiedHeight);
        Assert.True(store.TryGetBlock(chain.At(2).Block.Hash, out _));
    }

    [Fact]
    public void A_power_cut_takes_the_batch_receipts_written_since_the_last_durable_write()
    {
        using var store = new InMemoryChainStore();
        var (kept, lost) = (new BatchReceipt(Hash.Compute("kept"u8), 1), new BatchReceipt(Hash.Compute("lost"u8), 2));
        store.PutBatchReceipts([kept]);
        store.Flush();
        store.PutBatchReceipts([lost]);
        store.LoseUnsyncedWrites();
        Assert.Equal([kept], store.LoadBatchReceipts(0, 10));
    }
}
