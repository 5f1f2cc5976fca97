using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inbox;

namespace Fairway.Core.Tests;

/// The forced-inclusion rules: what a leader proposes from its ledger, what a voter refuses, what the ledger takes.
public class InboxRulesTests
{
    private static readonly Hash ChainId = Hash.Compute("inbox rules"u8);
    private static readonly QuorumCertificate Parent = new(3, Hash.Compute("parent"u8), []);

    private static InboxItem Item(ulong index, ulong posted, ulong ns = 1, ulong deadlineBlocks = 10) =>
        new(index, ns, System.Text.Encoding.UTF8.GetBytes($"entry {index}"), posted, posted + deadlineBlocks);

    private static InboxLedger Ledger(ulong through, params InboxItem[] items)
    {
        var ledger = new InboxLedger();
        ledger.Add(items, through);
        return ledger;
    }

    private static Block BlockWith(ulong l1, InboxSection inbox) =>
        new(ChainId, 5, 3, 1, 9, Parent, null, [], l1: new L1Reference(l1, Hash.Compute(BitConverter.GetBytes(l1))), inbox: inbox);

    [Fact]
    public void A_leader_proposes_every_entry_posted_by_its_L1_block_in_order_from_its_parents_index()
    {
        var ledger = Ledger(30, Item(1, 10), Item(2, 12), Item(3, 20));
        var section = InboxRules.Propose(1, ledger, 15);
        Assert.Equal(2UL, section.Index);
        Assert.Equal([Item(2, 12).AsTransaction()], section.Entries);
        Assert.Equal(3UL, InboxRules.Propose(1, ledger, 25).Index);
        // Nothing new past the parent's index: the index stays.
        Assert.Empty(InboxRules.Propose(3, ledger, 25).Entries);
        // An adversary that stops before an entry includes nothing from it on.
        Assert.Equal(1UL, InboxRules.Propose(1, ledger, 25, item => item.Index == 2).Index);
    }

    [Fact]
    public void A_voter_accepts_an_honest_section_and_refuses_one_that_leaves_out_an_entry_past_its_deadline()
    {
        var ledger = Ledger(30, Item(1, 10), Item(2, 12));
        var honest = BlockWith(25, InboxRules.Propose(0, ledger, 25));
        Assert.Null(InboxRules.Refusal(honest, 0, ledger, ownFinal: 25));

        // Leaving out entries not yet past their deadline (10 + 10 = 20) is allowed...
        var early = BlockWith(15, new InboxSection(0, []));
        Assert.Null(InboxRules.Refusal(early, 0, ledger, ownFinal: 19));

        // ...but not once the deadline has passed in the voter's own view, or at the block's own L1 block.
        Assert.Contains("past its deadline", InboxRules.Refusal(early, 0, ledger, ownFinal: 20));
        Assert.Contains("past its deadline", InboxRules.Refusal(BlockWith(21, new InboxSection(0, [])), 0, ledger, ownFinal: 15));
    }

    [Fact]
    public void A_voter_refuses_entries_that_are_not_the_L1s()
    {
        var ledger = Ledger(30, Item(1, 10), Item(2, 12));
        Assert.Contains("not the one posted", InboxRules.Refusal(BlockWith(25, new InboxSection(1, [new Transaction(1, "made up"u8.ToArray())])), 0, ledger, 25));
        Assert.Contains("after the block's L1 reference", InboxRules.Refusal(BlockWith(11, new InboxSection(2, [Item(1, 10).AsTransaction(), Item(2, 12).AsTransaction()])), 0, ledger, 25));
        Assert.Contains("not final here", InboxRules.Refusal(BlockWith(40, new InboxSection(3, [Item(1, 10).AsTransaction(), Item(2, 12).AsTransaction(), Item(3, 35).AsTransaction()])), 0, ledger, 25));
        Assert.Contains("does not follow", InboxRules.Refusal(BlockWith(25, new InboxSection(1, [])), 0, ledger, 25));
        Assert.Contains("does not follow", InboxRules.Refusal(BlockWith(25, new InboxSection(1, [Item(1, 10).AsTransaction()])), 2, ledger, 25));
        Assert.Contains("no inbox section", InboxRules.Refusal(new Block(ChainId, 5, 3, 1, 9, Parent, null, [], l1: new L1Reference(25, Hash.Zero)), 0, ledger, 25));
    }

    [Fact]
    public void A_full_block_may_leave_out_the_next_entry_even_past_its_deadline()
    {
        var items = Enumerable.Range(1, Limits.InboxEntriesPerBlockMax + 1).Select(i => Item((ulong)i, 10)).ToArray();
        var ledger = Ledger(30, items);
        var full = BlockWith(25, InboxRules.Propose(0, ledger, 25));
        Assert.Equal(Limits.InboxEntriesPerBlockMax, full.Inbox!.Entries.Count);
        Assert.Null(InboxRules.Refusal(full, 0, ledger, 25));
    }

    [Fact]
    public void The_ledger_takes_only_a_gapless_continuation_and_lets_included_entries_go()
    {
        var ledger = Ledger(12, Item(1, 10), Item(2, 12));
        Assert.Throws<InvalidDataException>(() => ledger.Add([Item(4, 13)], 14));
        Assert.Throws<InvalidDataException>(() => ledger.Add([Item(3, 15)], 14));
        Assert.Throws<InvalidDataException>(() => ledger.Add([Item(2, 12) with { Payload = [9] }], 14));
        Assert.Equal(12UL, ledger.ReadThrough);
        ledger.Add([Item(2, 12), Item(3, 13)], 14);
        Assert.Equal((3UL, 14UL), (ledger.LatestIndex, ledger.ReadThrough));

        ledger.Included(3 + InboxLedger.IncludedKept);
        Assert.Null(ledger.Get(1));
        Assert.Equal(3UL + InboxLedger.IncludedKept, ledger.LatestIndex);
        // Entries the chain already included are skipped, the next one is taken.
        ledger.Add([Item(3 + InboxLedger.IncludedKept + 1, 20)], 20);
        Assert.NotNull(ledger.Get(3 + InboxLedger.IncludedKept + 1));
    }

    [Fact]
    public void An_oversized_payload_is_output_empty_the_same_everywhere()
    {
        var item = new InboxItem(1, 5, new byte[Limits.TransactionPayloadBytesMax + 1], 10, 20);
        Assert.Equal(0, item.AsTransaction().Payload.Length);
        Assert.Equal(5UL, item.AsTransaction().Namespace);
    }
}
