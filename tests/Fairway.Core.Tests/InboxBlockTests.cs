using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;

namespace Fairway.Core.Tests;

/// A block carrying L1 inbox entries, and an output header committing to the inbox: their encodings and bounds.
public class InboxBlockTests
{
    private static readonly Hash ChainId = Hash.Compute("inbox blocks"u8);
    private static readonly QuorumCertificate Parent = new(3, Hash.Compute("parent"u8), []);
    private static readonly L1Reference Reference = new(1_234, Hash.Compute("an L1 block"u8));

    private static Transaction Entry(ulong ns, string text) => new(ns, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_block_with_inbox_entries_round_trips_and_the_entries_are_part_of_its_hash()
    {
        var inbox = new InboxSection(7, [Entry(2, "forced a"), Entry(1, "forced b")]);
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference, inbox: inbox);
        var bytes = Canonical.Encode(block);
        var back = Canonical.Decode(bytes, Block.Decode, "block");
        Assert.Equal(inbox, back.Inbox);
        Assert.Equal(6UL, back.Inbox!.FirstIndex);
        Assert.Equal(block.Hash, back.Hash);
        Assert.Equal(bytes, Canonical.Encode(back));

        var other = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference, inbox: new InboxSection(7, [Entry(2, "forced a"), Entry(1, "forced c")]));
        var none = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], l1: Reference);
        Assert.NotEqual(block.Hash, other.Hash);
        Assert.NotEqual(block.Hash, none.Hash);

        // The entries as a batch after the block's real ones, where output sources name them.
        Assert.Equal(Block.InboxAuthor, block.InboxBatch!.Author);
        Assert.Equal(6UL, block.InboxBatch.Sequence);
        Assert.Equal(inbox.Entries, block.InboxBatch.Transactions);
        Assert.Null(none.InboxBatch);
    }

    [Fact]
    public void An_inbox_section_needs_an_L1_reference_and_stays_within_its_bounds()
    {
        Assert.Throws<ArgumentException>(() => new Block(ChainId, 4, 2, 1, 5, Parent, null, [], inbox: new InboxSection(0, [])));
        Assert.Throws<ArgumentException>(() => new InboxSection(1, [Entry(1, "a"), Entry(1, "b")]));
        var tooMany = Enumerable.Range(0, Limits.InboxEntriesPerBlockMax + 1).Select(i => Entry(1, $"e{i}")).ToList();
        Assert.Throws<ArgumentException>(() => new InboxSection(1_000, tooMany));
        var large = Enumerable.Range(0, 17).Select(i => new Transaction(1, new byte[128 * 1024])).ToList();
        Assert.Throws<ArgumentException>(() => new InboxSection(1_000, large));
        // Negative control: at the bound it is taken.
        Assert.Equal(Limits.InboxEntriesPerBlockMax, new InboxSection(1_000, tooMany.Take(Limits.InboxEntriesPerBlockMax).ToList()).Entries.Count);
    }

    [Fact]
    public void A_decoded_section_whose_entries_cannot_end_at_its_index_is_refused()
    {
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [], l1: Reference, inbox: new InboxSection(2, [Entry(1, "a"), Entry(1, "b")]));
        var bytes = Canonical.Encode(block);
        // The section is last: index (8 bytes), count (4), then the entries. Index 1 with two entries cannot be.
        var at = bytes.Length - block.Inbox!.EncodedSizeHint + 4;
        Assert.Equal(2UL, BitConverter.ToUInt64(bytes, at));
        bytes[at] = 1;
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, Block.Decode, "block"));
    }

    [Fact]
    public void An_output_header_with_an_inbox_commitment_is_version_2_of_a_fixed_size_with_the_fields_at_its_end()
    {
        var header = new OutputHeader(ChainId, 9, Hash.Compute("b"u8), Hash.Compute("p"u8), 3, Hash.Compute("r"u8), new OutputInbox(41, 1_234, Full: true));
        var bytes = Canonical.Encode(header);
        Assert.Equal(OutputHeader.InboxVersion, bytes[0]);
        Assert.Equal(158, OutputHeader.InboxVersionSize);
        Assert.Equal(OutputHeader.InboxVersionSize, bytes.Length);
        Assert.Equal(41UL, BitConverter.ToUInt64(bytes, 141));
        Assert.Equal(1_234UL, BitConverter.ToUInt64(bytes, 149));
        Assert.Equal(1, bytes[157]);
        var back = Canonical.Decode(bytes, OutputHeader.Decode, "output header");
        Assert.Equal(header.Hash, back.Hash);
        Assert.Equal(new OutputInbox(41, 1_234, true), back.Inbox);
        bytes[157] = 2;
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes, OutputHeader.Decode, "output header"));

        var plain = new OutputHeader(ChainId, 9, Hash.Compute("b"u8), Hash.Compute("p"u8), 3, Hash.Compute("r"u8));
        Assert.Equal(OutputHeader.Version, Canonical.Encode(plain)[0]);
        Assert.NotEqual(plain.Hash, header.Hash);
        Assert.Equal(header.Inbox, header.Over([]).Inbox);
    }
}
