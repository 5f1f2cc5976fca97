using Fairway.Core.Chain;

namespace Fairway.Ordering.Tests;

public class MempoolTests
{
    private static Transaction Tx(int i, int size = 16) => new(7, Enumerable.Repeat((byte)i, size).Concat(BitConverter.GetBytes(i)).ToArray());

    [Fact]
    public void Batches_come_out_in_arrival_order_and_respect_the_count_bound()
    {
        var pool = new Mempool(new MempoolOptions { BatchTransactionsMax = 3 });
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(AddResult.Accepted, pool.TryAdd(Tx(i)));
        }

        var first = pool.TakeBatch();
        var second = pool.TakeBatch();
        var third = pool.TakeBatch();

        Assert.Equal([Tx(0), Tx(1), Tx(2)], first);
        Assert.Equal([Tx(3), Tx(4), Tx(5)], second);
        Assert.Equal([Tx(6)], third);
        Assert.Empty(pool.TakeBatch());
        Assert.Equal(0, pool.Bytes);
    }

    [Fact]
    public void A_duplicate_is_refused_while_the_original_waits()
    {
        var pool = new Mempool(new MempoolOptions());
        Assert.Equal(AddResult.Accepted, pool.TryAdd(Tx(1)));
        Assert.Equal(AddResult.Duplicate, pool.TryAdd(Tx(1)));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void A_full_mempool_refuses_by_count_and_by_bytes()
    {
        var byCount = new Mempool(new MempoolOptions { TransactionsMax = 2 });
        byCount.TryAdd(Tx(1));
        byCount.TryAdd(Tx(2));
        Assert.Equal(AddResult.Full, byCount.TryAdd(Tx(3)));

        var byBytes = new Mempool(new MempoolOptions { BytesMax = 100 });
        Assert.Equal(AddResult.Accepted, byBytes.TryAdd(Tx(1, 40)));
        Assert.Equal(AddResult.Full, byBytes.TryAdd(Tx(2, 60)));
    }

    [Fact]
    public void A_batch_stops_before_its_byte_bound_but_always_takes_one()
    {
        var pool = new Mempool(new MempoolOptions { BatchBytesMax = 100 });
        pool.TryAdd(Tx(1, 500));
        pool.TryAdd(Tx(2, 30));
        pool.TryAdd(Tx(3, 30));

        Assert.Single(pool.TakeBatch());
        Assert.Equal(2, pool.TakeBatch().Count);
    }
}
