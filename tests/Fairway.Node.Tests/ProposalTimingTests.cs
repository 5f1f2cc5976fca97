using Fairway.Node.Runtime;

namespace Fairway.Node.Tests;

public class ProposalTimingTests
{
    private const long Delay = 250;

    [Fact]
    public void With_nothing_to_do_the_leader_waits_the_empty_block_delay_then_proposes_once()
    {
        var timing = new ProposalTiming(Delay);
        timing.OnRequest(7, nowMs: 1_000);

        Assert.Null(timing.Due(7, 1_000, batchesWaiting: false, committedHeight: 0));
        Assert.Null(timing.Due(7, 1_249, batchesWaiting: false, committedHeight: 0));
        Assert.Equal(7UL, timing.Due(7, 1_250, batchesWaiting: false, committedHeight: 0));
        Assert.Null(timing.Due(7, 1_300, batchesWaiting: false, committedHeight: 0));
    }

    [Fact]
    public void Waiting_batches_or_an_uncommitted_block_with_transactions_get_a_proposal_at_once()
    {
        var timing = new ProposalTiming(Delay);
        timing.OnRequest(3, 0);
        Assert.Equal(3UL, timing.Due(3, 0, batchesWaiting: true, committedHeight: 0));

        timing.OnBlockStored(height: 5, batchDigests: 2);
        timing.OnBlockStored(height: 6, batchDigests: 0);
        timing.OnRequest(4, 0);
        Assert.Equal(4UL, timing.Due(4, 0, batchesWaiting: false, committedHeight: 4));

        // Once that block is committed, an idle leader waits again.
        timing.OnRequest(5, 0);
        Assert.Null(timing.Due(5, 0, batchesWaiting: false, committedHeight: 5));
    }

    [Fact]
    public void A_request_for_a_round_the_core_has_left_is_dropped()
    {
        var timing = new ProposalTiming(Delay);
        timing.OnRequest(9, 0);

        Assert.Null(timing.Due(10, 1_000, batchesWaiting: true, committedHeight: 0));
        Assert.Null(timing.Due(9, 1_000, batchesWaiting: true, committedHeight: 0));
    }
}
