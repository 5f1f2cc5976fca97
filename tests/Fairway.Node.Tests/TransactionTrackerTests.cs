using Fairway.Api;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class TransactionTrackerTests
{
    private static readonly Hash Chain = Hash.Compute("tracker"u8);
    private static readonly Block Genesis = Block.Genesis(Chain);

    private static Batch BatchOf(ushort author, ulong sequence, int transactions) =>
        new(Chain, author, sequence, Enumerable.Range(0, transactions).Select(i => new Transaction(1, BitConverter.GetBytes((sequence << 20) + (ulong)i))).ToArray());

    private static Block BlockOf(ulong height, IReadOnlyList<Batch> batches) =>
        new(Chain, height, height, 0, height, QuorumCertificate.Genesis(Genesis.Hash), null, batches.Select(b => b.Digest).ToList());

    [Fact]
    public void Under_steady_load_the_tracker_holds_only_what_is_not_yet_indexed()
    {
        const int entriesMax = 1_000_000;
        var tracker = new TransactionTracker(entriesMax);
        var inFlight = new Queue<(Block Block, List<Batch> Batches)>();
        ulong sequence = 0;
        var peak = 0;
        for (ulong height = 1; height <= 1_000; height++)
        {
            // Each height four validators cut a batch of 50; a block is indexed three heights after it is certified.
            var batches = Enumerable.Range(0, 4).Select(a => BatchOf((ushort)a, ++sequence, 50)).ToList();
            foreach (var tx in batches.SelectMany(b => b.Transactions))
            {
                tracker.OnReceived(tx);
            }

            batches.ForEach(tracker.OnBatch);
            var block = BlockOf(height, batches);
            tracker.OnCertified(block);
            inFlight.Enqueue((block, batches));
            peak = Math.Max(peak, tracker.Count);
            if (inFlight.Count > 3)
            {
                tracker.OnIndexed(inFlight.Dequeue().Batches);
            }
        }

        // 200,000 transactions went through; only the last few blocks' are held, far below the cap.
        Assert.Equal(4 * 4 * 50, peak);
        Assert.Equal(3 * 4 * 50, tracker.Count);
        Assert.Equal(3 * 4, tracker.CertifiedBatches);
        Assert.Equal(tracker.Count + tracker.CertifiedBatches, tracker.Queued);

        var (_, pending) = inFlight.Peek();
        Assert.Equal(CommitmentLevel.Soft, tracker.Status(pending[0].Transactions[0].Hash)!.Level);
    }

    [Fact]
    public void An_indexed_transaction_is_forgotten_and_one_that_never_commits_stays_until_the_cap()
    {
        var tracker = new TransactionTracker(entriesMax: 100);
        var stuck = BatchOf(9, 1, 1);
        tracker.OnBatch(stuck);
        for (ulong sequence = 2; sequence < 1_000; sequence++)
        {
            var batch = BatchOf(1, sequence, 1);
            tracker.OnBatch(batch);
            Assert.Equal(CommitmentLevel.Received, tracker.Status(batch.Transactions[0].Hash)!.Level);
            tracker.OnIndexed([batch]);
            Assert.Null(tracker.Status(batch.Transactions[0].Hash));
            Assert.True(tracker.Queued <= 100);
        }

        // The stuck transaction held the queue's head, so forgotten hashes queued behind it until the cap pushed it out.
        Assert.Null(tracker.Status(stuck.Transactions[0].Hash));
        Assert.True(tracker.Count <= 1);
    }

    [Fact]
    public void A_fair_transaction_is_received_until_lists_include_it_soft_once_that_proposal_is_certified_and_kept_until_output()
    {
        var tracker = new TransactionTracker(entriesMax: 100, isFair: _ => true);
        var batch = BatchOf(1, 1, 2);
        var (tx, other) = (batch.Transactions[0].Hash, batch.Transactions[1].Hash);
        tracker.OnBatch(batch);

        // Its batch is certified: under fcfs that would be soft; a fair transaction waits for the lists.
        tracker.OnCertified(BlockOf(1, [batch]));
        Assert.Equal(CommitmentLevel.Received, tracker.Status(tx)!.Level);

        var proposal = BlockOf(2, []);
        tracker.OnListed(proposal, [tx]);
        Assert.Equal((CommitmentLevel.Included, 2UL), (tracker.Status(tx)!.Level, tracker.Status(tx)!.Height!.Value));
        tracker.OnCertified(proposal);
        Assert.Equal(CommitmentLevel.Soft, tracker.Status(tx)!.Level);

        // Its batch is indexed before it is output: it is still known; once output, the query store answers for it.
        tracker.OnIndexed([batch], []);
        Assert.NotNull(tracker.Status(other));
        tracker.OnIndexed([], [batch.Transactions[0], batch.Transactions[1]]);
        Assert.Null(tracker.Status(tx));
        Assert.Null(tracker.Status(other));
    }

    [Fact]
    public void A_bundles_legs_are_followed_by_their_own_hashes_at_their_carriers_place_and_forgotten_with_it()
    {
        var tracker = new TransactionTracker(entriesMax: 100);
        var bundle = Bundle.Create([new Transaction(1, "leg a"u8.ToArray()), new Transaction(2, "leg b"u8.ToArray())]);
        var batch = new Batch(Chain, 0, 1, [bundle.Carrier]);

        tracker.OnReceived(bundle.Carrier);
        Assert.Equal(CommitmentLevel.Received, tracker.Status(bundle.Legs[1].Hash)!.Level);
        tracker.OnBatch(batch);
        tracker.OnCertified(BlockOf(1, [batch]));
        Assert.All(bundle.Legs, leg => Assert.Equal(CommitmentLevel.Soft, tracker.Status(leg.Hash)!.Level));

        tracker.OnIndexed([batch], [.. bundle.Legs, bundle.Carrier]);
        Assert.Equal(0, tracker.Count);
        Assert.Null(tracker.Status(bundle.Legs[0].Hash));
    }

    [Fact]
    public void A_fair_bundles_legs_are_included_and_soft_when_the_lists_include_the_bundle()
    {
        var tracker = new TransactionTracker(entriesMax: 100, isFair: _ => true);
        var bundle = Bundle.Create([new Transaction(2, "fair leg"u8.ToArray()), new Transaction(1, "other leg"u8.ToArray())]);
        var batch = new Batch(Chain, 0, 1, [bundle.Carrier]);
        tracker.OnReceived(bundle.Carrier);
        tracker.OnBatch(batch);
        tracker.OnCertified(BlockOf(1, [batch]));
        Assert.Equal(CommitmentLevel.Received, tracker.Status(bundle.Legs[0].Hash)!.Level);

        var proposal = BlockOf(2, []);
        tracker.OnListed(proposal, [bundle.Hash]);
        Assert.All(bundle.Legs, leg => Assert.Equal(CommitmentLevel.Included, tracker.Status(leg.Hash)!.Level));
        tracker.OnCertified(proposal);
        Assert.All(bundle.Legs, leg => Assert.Equal(new TransactionStatus(CommitmentLevel.Soft, 2, null), tracker.Status(leg.Hash)));

        tracker.OnIndexed([batch], [.. bundle.Legs, bundle.Carrier]);
        Assert.Equal(0, tracker.Count);
    }
}
