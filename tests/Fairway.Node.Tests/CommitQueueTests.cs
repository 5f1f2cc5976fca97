using Fairway.Consensus.Engine;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class CommitQueueTests
{
    private static readonly Hash ChainId = Hash.Compute("commit queue tests"u8);

    /// <summary>A chain of <paramref name="count"/> blocks above genesis and the commit the core would make for each.</summary>
    private static (Dictionary<Hash, Block> Store, List<CommitBlock> Commits) Chain(int count)
    {
        var store = new Dictionary<Hash, Block>();
        var genesis = Block.Genesis(ChainId);
        store[genesis.Hash] = genesis;
        var justify = QuorumCertificate.Genesis(genesis.Hash);
        var blocks = new List<Block>();
        for (var h = 1UL; h <= (ulong)count; h++)
        {
            var block = new Block(ChainId, h, h, 1, h, justify, null, []);
            store[block.Hash] = block;
            blocks.Add(block);
            justify = new QuorumCertificate(block.Round, block.Hash, []);
        }

        // Each block's certificate is the one its child carries; the newest one's comes from the core itself.
        var commits = blocks.Select((b, i) => new CommitBlock(b, i + 1 < blocks.Count ? blocks[i + 1].Justify : justify)).ToList();
        return (store, commits);
    }

    private static List<CommitBlock> DrainAll(CommitQueue queue)
    {
        var applied = 0UL;
        var drained = new List<CommitBlock>();
        while (queue.TryPeek(applied, out var next))
        {
            queue.Dequeue();
            drained.Add(next);
            applied = next.Block.Height;
        }

        return drained;
    }

    [Fact]
    public void Within_capacity_commits_come_out_in_order_as_they_went_in()
    {
        var (store, commits) = Chain(3);
        var queue = new CommitQueue(8, h => store.GetValueOrDefault(h));
        commits.ForEach(queue.Add);

        Assert.Equal(commits, DrainAll(queue));
        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public void Past_capacity_memory_stays_bounded_and_every_commit_still_comes_out_in_order_with_its_certificate()
    {
        var (store, commits) = Chain(10);
        var queue = new CommitQueue(4, h => store.GetValueOrDefault(h));
        commits.ForEach(queue.Add);
        Assert.Equal(4, queue.Count);
        Assert.Equal(10UL, queue.NewestHeight);

        var drained = new List<CommitBlock>();
        var applied = 0UL;
        while (queue.TryPeek(applied, out var next))
        {
            Assert.InRange(queue.Count, 1, 4);
            queue.Dequeue();
            drained.Add(next);
            applied = next.Block.Height;
        }

        Assert.Equal(commits.Select(c => c.Block.Hash), drained.Select(c => c.Block.Hash));
        Assert.All(drained, c => Assert.Equal(c.Block.Hash, c.Certificate.BlockHash));
        Assert.Equal(commits.Select(c => c.Certificate.BlockHash), drained.Select(c => c.Certificate.BlockHash));
        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public void The_newest_height_is_the_highest_commit_waiting_through_every_refill_and_zero_once_all_are_applied()
    {
        var (store, commits) = Chain(10);
        var queue = new CommitQueue(4, h => store.GetValueOrDefault(h));
        Assert.Equal(0UL, queue.NewestHeight);
        commits.Take(3).ToList().ForEach(queue.Add);
        Assert.Equal(3UL, queue.NewestHeight);
        commits.Skip(3).ToList().ForEach(queue.Add);

        var applied = 0UL;
        while (queue.TryPeek(applied, out var next))
        {
            Assert.Equal(10UL, queue.NewestHeight);
            queue.Dequeue();
            applied = next.Block.Height;
        }

        Assert.Equal(0UL, queue.NewestHeight);
    }

    [Fact]
    public void Commits_at_or_below_the_applied_height_are_skipped()
    {
        var (store, commits) = Chain(6);
        var queue = new CommitQueue(2, h => store.GetValueOrDefault(h));
        commits.ForEach(queue.Add);

        Assert.True(queue.TryPeek(4, out var next));
        Assert.Equal(5UL, next.Block.Height);
    }

    [Fact]
    public void A_committed_block_missing_from_the_store_is_reported_not_skipped()
    {
        var (store, commits) = Chain(6);
        var queue = new CommitQueue(2, h => store.GetValueOrDefault(h));
        commits.ForEach(queue.Add);
        store.Remove(commits[3].Block.Hash);

        Assert.True(queue.TryPeek(0, out _));
        queue.Dequeue();
        queue.TryPeek(1, out _);
        queue.Dequeue();
        var error = Assert.Throws<InvalidOperationException>(() => queue.TryPeek(2, out _));
        Assert.Contains("missing from the chain store", error.Message, StringComparison.Ordinal);
    }
}
