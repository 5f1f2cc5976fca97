using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;

namespace Fairway.Core.Tests;

public class FairBlockEncodingTests
{
    private static readonly Hash ChainId = Hash.Compute("fair block encoding"u8);
    private static readonly QuorumCertificate Parent = new(3, Hash.Compute("parent"u8), []);

    private static CandidateList List(ushort validator, params (string Tx, ulong At, string Batch)[] entries) => new(
        ChainId, 4, validator, 1_000, 0,
        [.. entries.Select(e => new CandidateEntry(Hash.Compute(System.Text.Encoding.UTF8.GetBytes(e.Tx)), e.At, Hash.Compute(System.Text.Encoding.UTF8.GetBytes(e.Batch)))).OrderBy(e => e.Transaction)],
        new Signature(new byte[Signature.Size]));

    [Fact]
    public void A_block_without_lists_or_payload_digests_keeps_the_version_1_encoding_so_existing_chains_keep_their_hashes()
    {
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)]);
        var bytes = Canonical.Encode(block);
        Assert.Equal(Block.Version, bytes[0]);
        Assert.Equal(bytes, Canonical.Encode(Canonical.Decode(bytes, Block.Decode, "block")));
    }

    [Fact]
    public void A_fair_block_round_trips_with_its_lists_and_payload_digests()
    {
        var lists = new[] { List(0, ("a", 10, "b1"), ("b", 11, "b1"), ("c", 12, "b2")), List(1) };
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [Hash.Compute("batch"u8)], [Hash.Compute("old batch"u8)], lists);
        var bytes = Canonical.Encode(block);
        Assert.Equal(Block.FairVersion, bytes[0]);

        var back = Canonical.Decode(bytes, Block.Decode, "block");
        Assert.Equal(block.Hash, back.Hash);
        Assert.Equal([Hash.Compute("batch"u8), Hash.Compute("old batch"u8)], back.AllBatchDigests);
        Assert.Equal(lists[0].Entries, back.CandidateLists[0].Entries);
    }

    [Fact]
    public void A_version_2_block_with_nothing_fair_in_it_is_refused_as_a_second_encoding()
    {
        var bytes = Canonical.Encode(new Block(ChainId, 4, 2, 1, 5, Parent, null, []));
        var writer = new CanonicalWriter();
        writer.WriteRaw(bytes);
        writer.WriteCount(0);
        writer.WriteCount(0);
        var twice = writer.ToArray();
        twice[0] = Block.FairVersion;
        Assert.Throws<EncodingException>(() => Canonical.Decode(twice, Block.Decode, "block"));
    }

    [Fact]
    public void A_list_names_each_batch_once_sorted_and_every_named_batch_is_used()
    {
        var list = List(2, ("a", 10, "b1"), ("b", 11, "b1"));
        var bytes = Canonical.Encode(list);
        var back = Canonical.Decode(bytes, CandidateList.Decode, "candidate list");
        Assert.Equal(list.Entries, back.Entries);

        // Body: version, chain id, round, validator, clock, inbox index, then the batch table (count, digests).
        var tableAt = 1 + Hash.Size + 8 + 2 + 8 + 8;
        var unused = bytes.ToList();
        unused[tableAt] = 2;
        unused.InsertRange(tableAt + 4 + Hash.Size, Hash.Compute("zzz"u8).ToArray().Select(_ => (byte)0xff));
        Assert.Throws<EncodingException>(() => Canonical.Decode([.. unused], CandidateList.Decode, "candidate list"));
    }

    [Fact]
    public void A_block_with_evidence_is_version_3_round_trips_and_a_version_3_block_without_evidence_is_refused()
    {
        var evidence = FairEvidence.Conflicting(List(2, ("a", 10, "b1")), List(2, ("b", 11, "b1")));
        var lists = new[] { List(0, ("a", 10, "b1")), List(1) };
        var block = new Block(ChainId, 4, 2, 1, 5, Parent, null, [], [], lists, [evidence]);
        var bytes = Canonical.Encode(block);
        Assert.Equal(Block.EvidenceVersion, bytes[0]);
        var back = Canonical.Decode(bytes, Block.Decode, "block");
        Assert.Equal(block.Hash, back.Hash);
        Assert.Equal(evidence.Id, Assert.Single(back.Evidence).Id);

        var withoutEvidence = Canonical.Encode(new Block(ChainId, 4, 2, 1, 5, Parent, null, [], [], lists));
        var writer = new CanonicalWriter();
        writer.WriteRaw(withoutEvidence);
        writer.WriteCount(0);
        var second = writer.ToArray();
        second[0] = Block.EvidenceVersion;
        Assert.Throws<EncodingException>(() => Canonical.Decode(second, Block.Decode, "block"));

        Assert.Throws<ArgumentException>(() => new Block(ChainId, 4, 2, 1, 5, Parent, null, [], [], lists, Enumerable.Repeat(evidence, Limits.EvidencePerBlockMax + 1).ToList()));
    }
}
