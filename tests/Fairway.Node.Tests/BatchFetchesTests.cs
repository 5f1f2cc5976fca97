using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class BatchFetchesTests
{
    private static readonly Hash Chain = Hash.Compute("fetches"u8);

    private static Batch BatchOf(ulong sequence) => new(Chain, 1, sequence, [new Transaction(1, BitConverter.GetBytes(sequence))]);

    [Fact]
    public void Only_requested_batches_are_taken_and_a_request_is_repeated_only_after_the_retry_interval()
    {
        var fetches = new BatchFetches(roundsKept: 64);
        var asked = BatchOf(1);
        var unasked = BatchOf(2);

        Assert.Equal([asked.Digest], fetches.TakeDue([asked.Digest], nowMs: 1_000, retryMs: 300, max: 10, round: 1));
        Assert.Empty(fetches.TakeDue([asked.Digest], nowMs: 1_200, retryMs: 300, max: 10, round: 1));
        Assert.Equal([asked.Digest], fetches.TakeDue([asked.Digest], nowMs: 1_300, retryMs: 300, max: 10, round: 1));

        Assert.False(fetches.TryAccept(unasked, round: 1));
        Assert.True(fetches.TryAccept(asked, round: 1));
        Assert.False(fetches.TryAccept(asked, round: 1)); // a second copy was not asked for
        Assert.True(fetches.TryGet(asked.Digest, out var held));
        Assert.Same(asked, held);

        fetches.Forget([asked.Digest]);
        Assert.False(fetches.TryGet(asked.Digest, out _));
        Assert.Equal(0, fetches.Requested + fetches.Fetched);
    }

    [Fact]
    public void Requests_never_answered_and_batches_of_blocks_that_never_commit_are_dropped_after_the_window()
    {
        const ulong roundsKept = 64;
        var fetches = new BatchFetches(roundsKept);
        var peak = 0;
        for (ulong round = 1; round <= 10_000; round++)
        {
            // Every round one request is never answered (the batch came by broadcast instead), and one batch is fetched
            // for a block whose round then times out: neither is ever forgotten by a commit.
            var unanswered = Hash.Compute(BitConverter.GetBytes(round));
            var orphan = BatchOf(round);
            fetches.TakeDue([unanswered, orphan.Digest], nowMs: (long)round * 100, retryMs: 300, max: 10, round);
            Assert.True(fetches.TryAccept(orphan, round));
            fetches.Prune(round);
            peak = Math.Max(peak, fetches.Requested + fetches.Fetched);
        }

        Assert.Equal(2 * ((int)roundsKept + 1), peak);
        Assert.Equal((int)roundsKept + 1, fetches.Requested);
        Assert.Equal((int)roundsKept + 1, fetches.Fetched);
    }
}
