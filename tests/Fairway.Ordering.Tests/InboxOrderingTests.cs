using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests;

/// Inbox entries in the output: first in their namespace, in inbox order, once, rebuildable and provable.
public class InboxOrderingTests
{
    private static readonly Hash ChainId = Hash.Compute("inbox ordering"u8);

    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    private static Block BlockOf(ulong height, InboxSection inbox, params Batch[] batches) =>
        new(ChainId, height + 3, height, 0, 1, new QuorumCertificate(height + 2, Hash.Compute("parent"u8), []), null, [.. batches.Select(b => b.Digest)],
            l1: new L1Reference(100, Hash.Compute("l1"u8)), inbox: inbox);

    [Fact]
    public void Inbox_entries_come_first_in_their_namespace_in_inbox_order_and_a_copy_in_a_batch_is_output_once()
    {
        var (a, b, forcedA, forcedB, dup) = (Tx(5, "a"), Tx(7, "b"), Tx(5, "forced 1"), Tx(7, "forced 2"), Tx(5, "forced 3"));
        var batch = new Batch(ChainId, 0, 1, [a, dup, b]);
        var block = BlockOf(1, new InboxSection(3, [forcedA, forcedB, dup]), batch);

        var (output, _) = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly).Order(block, [batch], OrderingState.Genesis);

        Assert.Equal([forcedA, dup, a, forcedB, b], output.Transactions);
        Assert.Equal(new OutputInbox(3, 100), output.Header.Inbox);
        // Sources name the inbox batch after the block's real batch, so the output rebuilds from the block alone.
        Assert.Equal(new OutputSource(1, 0), output.Sources[0]);
        Assert.Equal(output.Transactions, BlockOutput.Rebuild(output.Header, block.WithInbox([batch]), output.Sources).Transactions);
        var proofs = new OutputProofBuilder(output);
        Assert.True(proofs.ForTransaction(forcedA.Hash)!.Verify(output.Header, forcedA));
    }

    [Fact]
    public void A_block_without_new_entries_still_commits_to_the_inbox_index()
    {
        var batch = new Batch(ChainId, 0, 1, [Tx(1, "x")]);
        var (output, _) = new OrderingStage(ChainId, NamespaceRegistry.FcfsOnly).Order(BlockOf(1, new InboxSection(9, []), batch), [batch], OrderingState.Genesis);
        Assert.Equal(new OutputInbox(9, 100), output.Header.Inbox);
        Assert.Equal([Tx(1, "x")], output.Transactions);
    }
}
