using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests;

/// <summary>
/// A batch that a later block names again is not output again: the fault campaign found a lagging leader re-proposing
/// committed batches, and their transactions were output twice.
/// </summary>
public class OutputBatchWindowTests
{
    private static readonly Hash ChainId = Hash.Compute("output batch window"u8);

    private static Transaction Tx(string payload) => new(7, System.Text.Encoding.UTF8.GetBytes(payload));

    private static Block BlockOf(ulong height, params Batch[] batches) =>
        new(ChainId, height + 3, height, 0, 1, new QuorumCertificate(height + 2, Hash.Compute("parent"u8), []), null, [.. batches.Select(b => b.Digest)]);

    [Fact]
    public void A_batch_named_again_by_a_later_block_is_not_output_again()
    {
        var stage = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly);
        var old = new Batch(ChainId, 0, 1, [Tx("a"), Tx("b")]);
        var fresh = new Batch(ChainId, 1, 1, [Tx("c")]);
        var (first, state) = stage.Order(BlockOf(1, old), [old], OrderingState.Genesis);
        var (second, _) = stage.Order(BlockOf(2, old, fresh), [old, fresh], state);

        Assert.Equal([Tx("a"), Tx("b")], first.Transactions);
        Assert.Equal([Tx("c")], second.Transactions);
        Assert.Equal(second.Transactions, BlockOutput.Rebuild(second.Header, [old, fresh], second.Sources).Transactions);
    }

    [Fact]
    public void A_restarted_stage_restored_from_the_stored_blocks_outputs_what_one_that_never_stopped_does()
    {
        var old = new Batch(ChainId, 0, 1, [Tx("a")]);
        var running = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly);
        var (_, state) = running.Order(BlockOf(1, old), [old], OrderingState.Genesis);
        var (expected, _) = running.Order(BlockOf(2, old), [old], state);

        var restarted = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly);
        restarted.RestoreBatches([(1UL, (IReadOnlyList<Hash>)[old.Digest])]);
        var (actual, _) = restarted.Order(BlockOf(2, old), [old], state);

        var unrestored = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly);
        var (diverged, _) = unrestored.Order(BlockOf(2, old), [old], state);

        Assert.Empty(expected.Transactions);
        Assert.Equal(expected.Header, actual.Header);
        Assert.NotEqual(expected.Header, diverged.Header); // the restore is what keeps a restarted validator's output the same
    }

    [Fact]
    public void Ordering_a_height_again_sees_only_the_blocks_below_it_and_the_window_forgets_after_its_heights()
    {
        var window = new OutputBatchWindow();
        var digest = Hash.Compute("batch"u8);
        window.Add(5, [digest]);
        Assert.False(window.NamedBelow(digest, 5));
        Assert.True(window.NamedBelow(digest, 6));

        window.Add(5 + OutputBatchWindow.HeightsKept, []);
        Assert.False(window.NamedBelow(digest, 6 + OutputBatchWindow.HeightsKept));
        Assert.Equal(0, window.Count);
    }
}
