using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Ordering.Tests;

public class BatchPoolTests
{
    private static readonly Hash Chain = Hash.Compute("ordering-tests"u8);

    private static Batch MakeBatch(ushort author, ulong sequence) => new(Chain, author, sequence, [new Transaction(1, BitConverter.GetBytes(sequence))]);

    [Fact]
    public void A_leader_takes_batches_in_arrival_order_and_never_twice()
    {
        var pool = new BatchPool(new MempoolOptions { DigestsPerBlockMax = 2 });
        var batches = Enumerable.Range(0, 5).Select(i => MakeBatch(1, (ulong)i)).ToList();
        batches.ForEach(b => pool.Add(b));

        var first = pool.TakeForProposal(1);
        var second = pool.TakeForProposal(2);

        Assert.Equal(batches.Take(2).Select(b => b.Digest), first);
        Assert.Equal(batches.Skip(2).Take(2).Select(b => b.Digest), second);
        Assert.Single(pool.TakeForProposal(3));
        Assert.Empty(pool.TakeForProposal(4));
    }

    [Fact]
    public void Committed_batches_leave_for_good_and_are_not_re_added()
    {
        var pool = new BatchPool(new MempoolOptions());
        var batch = MakeBatch(1, 1);
        pool.Add(batch);

        pool.MarkCommitted([batch.Digest]);

        Assert.False(pool.Contains(batch.Digest));
        Assert.False(pool.Add(batch));
        Assert.Empty(pool.TakeForProposal(1));
    }

    [Fact]
    public void Batches_of_a_proposal_that_never_committed_are_offered_again()
    {
        var pool = new BatchPool(new MempoolOptions());
        var batch = MakeBatch(2, 9);
        pool.Add(batch);
        Assert.Single(pool.TakeForProposal(5));

        pool.ReleaseStale(currentRound: 8, roundsAgo: 10);
        Assert.Empty(pool.TakeForProposal(8));

        pool.ReleaseStale(currentRound: 20, roundsAgo: 10);
        Assert.Equal([batch.Digest], pool.TakeForProposal(20));
    }

    [Fact]
    public void Batches_another_leader_proposed_are_not_proposed_again()
    {
        var pool = new BatchPool(new MempoolOptions());
        var a = MakeBatch(1, 1);
        var b = MakeBatch(1, 2);
        pool.Add(a);
        pool.Add(b);

        pool.MarkProposed([a.Digest], 3);

        Assert.Equal([b.Digest], pool.TakeForProposal(4));
    }

    [Fact]
    public void The_pool_refuses_batches_beyond_its_bound()
    {
        var pool = new BatchPool(new MempoolOptions { PendingBatchesMax = 2 });
        Assert.True(pool.Add(MakeBatch(1, 1)));
        Assert.True(pool.Add(MakeBatch(1, 2)));
        Assert.False(pool.Add(MakeBatch(1, 3)));
    }
}
