using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Ordering.Tests;

public class BatchPoolTests
{
    private static readonly Hash Chain = Hash.Compute("ordering-tests"u8);

    private static Batch MakeBatch(ushort author, ulong sequence) => new(Chain, author, sequence, [new Transaction(1, BitConverter.GetBytes(sequence))]);

    private static Batch BatchOf(ulong sequence, int transactions) =>
        new(Chain, 1, sequence, Enumerable.Range(0, transactions).Select(i => new Transaction(1, BitConverter.GetBytes((sequence << 20) + (ulong)i))).ToArray());

    [Fact]
    public void A_block_takes_whole_batches_up_to_its_transaction_budget_and_always_at_least_one()
    {
        var pool = new BatchPool(new MempoolOptions { BlockTransactionsMax = 10 });
        var batches = new[] { BatchOf(1, 4), BatchOf(2, 5), BatchOf(3, 4), BatchOf(4, 25), BatchOf(5, 1) };
        foreach (var b in batches)
        {
            pool.Add(b);
        }

        Assert.Equal([batches[0].Digest, batches[1].Digest], pool.TakeForProposal(1));
        Assert.Equal([batches[2].Digest], pool.TakeForProposal(2));
        Assert.Equal([batches[3].Digest], pool.TakeForProposal(3)); // larger than the budget on its own: still ordered
        Assert.Equal([batches[4].Digest], pool.TakeForProposal(4));
    }

    [Fact]
    public void The_unproposed_backlog_counts_transactions_through_proposal_release_and_commit()
    {
        var pool = new BatchPool(new MempoolOptions { BlockTransactionsMax = 5 });
        var a = BatchOf(1, 3);
        var b = BatchOf(2, 4);
        var c = BatchOf(3, 2);
        pool.Add(a);
        pool.Add(b);
        pool.Add(c);
        Assert.Equal(9, pool.UnproposedTransactions);

        pool.TakeForProposal(1); // a
        Assert.Equal(6, pool.UnproposedTransactions);
        pool.MarkProposed([b.Digest], 2);
        Assert.Equal(2, pool.UnproposedTransactions);
        pool.ReleaseStale(currentRound: 10, roundsAgo: 3); // a and b come back
        Assert.Equal(9, pool.UnproposedTransactions);
        pool.MarkCommitted([a.Digest, c.Digest], height: 1);
        Assert.Equal(4, pool.UnproposedTransactions);
        pool.MarkCommitted([b.Digest], height: 2);
        Assert.Equal(0, pool.UnproposedTransactions);
    }

    [Fact]
    public void The_oldest_unproposed_arrival_follows_proposals_releases_and_commits()
    {
        var pool = new BatchPool(new MempoolOptions { BlockTransactionsMax = 1 });
        Assert.Null(pool.OldestUnproposedArrivedMs);
        var a = BatchOf(1, 1);
        var b = BatchOf(2, 1);
        pool.Add(a, arrivedMs: 100);
        pool.Add(b, arrivedMs: 250);
        Assert.Equal(100, pool.OldestUnproposedArrivedMs);

        pool.TakeForProposal(1); // a
        Assert.Equal(250, pool.OldestUnproposedArrivedMs);
        pool.ReleaseStale(currentRound: 10, roundsAgo: 3); // a is offered again, and has waited since it arrived
        Assert.Equal(100, pool.OldestUnproposedArrivedMs);
        pool.MarkCommitted([a.Digest], height: 1);
        Assert.Equal(250, pool.OldestUnproposedArrivedMs);
        pool.MarkProposed([b.Digest], 11);
        Assert.Null(pool.OldestUnproposedArrivedMs);
    }

    [Fact]
    public void A_digest_committed_by_consensus_is_never_offered_again_even_before_its_commit_is_applied()
    {
        var pool = new BatchPool(new MempoolOptions { DigestsPerBlockMax = 8 });
        var a = MakeBatch(1, 0);
        var b = MakeBatch(1, 1);
        pool.Add(a);
        pool.Add(b);
        Assert.Equal([a.Digest, b.Digest], pool.TakeForProposal(1));

        // Consensus commits the block naming a; applying it waits (batches being fetched, index behind) for many rounds.
        pool.MarkOrdered([a.Digest], height: 1);
        pool.ReleaseStale(currentRound: 100, roundsAgo: 20);
        Assert.Equal([b.Digest], pool.TakeForProposal(101));
        Assert.True(pool.IsKnown(a.Digest));
        Assert.True(pool.TryGet(a.Digest, out _)); // still there for the commit to be applied

        pool.MarkCommitted([a.Digest], height: 1);
        Assert.False(pool.Contains(a.Digest));
        pool.ReleaseStale(currentRound: 200, roundsAgo: 20);
        Assert.Equal([b.Digest], pool.TakeForProposal(201));
    }

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
    public void A_committed_batch_leaves_the_pool_and_a_late_copy_is_refused_while_its_height_is_remembered()
    {
        var pool = new BatchPool(new MempoolOptions { CommittedHeightsKept = 3 });
        var batch = MakeBatch(1, 1);
        pool.Add(batch);

        pool.MarkCommitted([batch.Digest], height: 10);
        pool.MarkCommitted([], height: 12);

        Assert.False(pool.Contains(batch.Digest));
        Assert.True(pool.IsKnown(batch.Digest));
        Assert.False(pool.Add(batch));
        Assert.Empty(pool.TakeForProposal(1));

        // Three heights on it is forgotten: from here the node refuses the copy from its chain store.
        pool.MarkCommitted([], height: 13);
        Assert.False(pool.IsKnown(batch.Digest));
        Assert.Equal(0, pool.CommittedRemembered);
    }

    [Fact]
    public void Committed_digests_remembered_stay_bounded_over_many_commits()
    {
        const int digestsPerBlock = 5;
        var options = new MempoolOptions { CommittedHeightsKept = 100 };
        var pool = new BatchPool(options);
        ulong sequence = 0;
        var peak = 0;
        for (ulong height = 1; height <= 10_000; height++)
        {
            var block = Enumerable.Range(0, digestsPerBlock).Select(_ => MakeBatch(2, ++sequence)).ToList();
            block.ForEach(b => Assert.True(pool.Add(b)));
            var proposed = pool.TakeForProposal(height);
            Assert.Equal(digestsPerBlock, proposed.Count);
            pool.MarkCommitted(proposed, height);
            peak = Math.Max(peak, pool.CommittedRemembered);
        }

        Assert.Equal(0, pool.Count);
        Assert.Equal((int)options.CommittedHeightsKept * digestsPerBlock, peak);
        Assert.Equal((int)options.CommittedHeightsKept * digestsPerBlock, pool.CommittedRemembered);
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
    public void A_batch_that_arrives_after_a_proposal_of_it_is_not_offered_again_until_that_proposal_is_stale()
    {
        // The simulator found this: a leader's proposal overtook the author's broadcast of the batch, the next leader
        // proposed the batch again, and both blocks committed, ordering its transactions at two heights.
        var pool = new BatchPool(new MempoolOptions());
        var batch = MakeBatch(2, 3);
        pool.MarkProposed([batch.Digest], 5);

        Assert.True(pool.Add(batch));
        Assert.Equal(0, pool.UnproposedTransactions);
        Assert.Empty(pool.TakeForProposal(6));

        pool.ReleaseStale(currentRound: 30, roundsAgo: 20);
        Assert.Equal([batch.Digest], pool.TakeForProposal(30));
    }

    [Fact]
    public void Digests_other_leaders_proposed_that_never_arrive_here_are_forgotten_after_the_stale_window()
    {
        var pool = new BatchPool(new MempoolOptions());
        var peak = 0;
        for (ulong round = 1; round <= 5_000; round++)
        {
            // A proposal whose batches this validator never receives and whose block never commits.
            pool.MarkProposed([Hash.Compute(BitConverter.GetBytes(round))], round);
            pool.ReleaseStale(round, roundsAgo: 20);
            peak = Math.Max(peak, pool.ProposedCount);
        }

        Assert.Equal(21, peak);
        Assert.Equal(0, pool.Count);
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
