using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Consensus.Tests;

/// <summary>Evidence travels between validators, so its decoding faces peers: it must refuse what is not well formed.</summary>
public class EvidenceTests
{
    private static readonly TestNetwork Net = new(4);

    private static VoteMessage Vote(int signer, ulong round, string block, ushort? voter = null)
    {
        var hash = Hash.Compute(System.Text.Encoding.UTF8.GetBytes(block));
        return new VoteMessage(round, hash, voter ?? (ushort)signer, Net.Signers[signer].Sign(SigningDomain.VoteMessage(Net.ChainId, round, hash)));
    }

    private static Evidence TwoVotes(ulong round = 5) =>
        new(EvidenceKind.ConflictingVotes, 2, round, Vote(2, round, "a"), Vote(2, round, "b"));

    private static Evidence TwoProposals()
    {
        var qc = QuorumCertificate.Genesis(Net.Genesis.Hash);
        var leader = (ushort)Net.ValidatorSet.LeaderOf(1);
        return new Evidence(
            EvidenceKind.ConflictingProposals,
            leader,
            1,
            Net.SignProposal(new Block(Net.ChainId, 1, 1, leader, 10, qc, null, [Hash.Compute("a"u8)])),
            Net.SignProposal(new Block(Net.ChainId, 1, 1, leader, 10, qc, null, [Hash.Compute("b"u8)])));
    }

    private static Evidence Decode(byte[] bytes) => Canonical.Decode(bytes, Evidence.Decode, "evidence");

    private static bool Verifies(Evidence evidence) => evidence.Verify(Net.ChainId, Net.ValidatorSet, Net.Certificates.Signatures);

    [Fact]
    public void Encoding_round_trips_for_both_kinds_and_the_decoded_evidence_still_verifies()
    {
        foreach (var evidence in new[] { TwoVotes(), TwoProposals() })
        {
            var bytes = Canonical.Encode(evidence);

            var decoded = Decode(bytes);

            Assert.Equal((evidence.Kind, evidence.Validator, evidence.Round), (decoded.Kind, decoded.Validator, decoded.Round));
            Assert.Equal(MessageCodec.Encode(evidence.First), MessageCodec.Encode(decoded.First));
            Assert.Equal(MessageCodec.Encode(evidence.Second), MessageCodec.Encode(decoded.Second));
            Assert.Equal(bytes, Canonical.Encode(decoded));
            Assert.True(Verifies(decoded));
        }
    }

    [Fact]
    public void Every_truncation_and_a_trailing_byte_are_refused()
    {
        var bytes = Canonical.Encode(TwoVotes());

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<EncodingException>(() => Decode(bytes[..length]));
        }

        Assert.Throws<EncodingException>(() => Decode([.. bytes, 0]));
    }

    [Fact]
    public void A_message_length_past_the_bound_is_refused_before_anything_is_read()
    {
        var writer = new CanonicalWriter(64);
        writer.WriteU8(Evidence.Version);
        writer.WriteU8((byte)EvidenceKind.ConflictingVotes);
        writer.WriteU16(2);
        writer.WriteU64(5);
        writer.WriteU32(Evidence.MessageBytesMax + 1);

        var error = Assert.Throws<EncodingException>(() => Decode(writer.ToArray()));
        Assert.Contains("exceeds the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_versions_kinds_and_messages_of_the_wrong_kind_are_refused()
    {
        var votes = Canonical.Encode(TwoVotes());
        var badVersion = votes.ToArray();
        badVersion[0] = Evidence.Version + 1;
        var badKind = votes.ToArray();
        badKind[1] = 9;
        var votesCalledProposals = votes.ToArray();
        votesCalledProposals[1] = (byte)EvidenceKind.ConflictingProposals;

        Assert.Throws<EncodingException>(() => Decode(badVersion));
        Assert.Throws<EncodingException>(() => Decode(badKind));
        Assert.Throws<EncodingException>(() => Decode(votesCalledProposals));
        Assert.Throws<EncodingException>(() => Decode(Canonical.Encode(
            new Evidence(EvidenceKind.ConflictingVotes, 2, 5, Vote(2, 5, "a"), new TimeoutMessage(5, QuorumCertificate.Genesis(Net.Genesis.Hash), 2, Net.Signers[2].Sign("x"u8))))));
    }

    [Fact]
    public void Two_votes_signed_by_the_validator_for_one_round_on_two_blocks_verify()
    {
        Assert.True(Verifies(TwoVotes()));
        Assert.True(Verifies(TwoProposals()));
    }

    [Fact]
    public void Forged_vote_evidence_does_not_verify()
    {
        var real = Vote(2, 5, "a");

        // The second vote names validator 2 but validator 3 signed it.
        Assert.False(Verifies(new Evidence(EvidenceKind.ConflictingVotes, 2, 5, real, Vote(3, 5, "b", voter: 2))));

        // One vote, twice: no conflict.
        Assert.False(Verifies(new Evidence(EvidenceKind.ConflictingVotes, 2, 5, real, Vote(2, 5, "a"))));

        // Two rounds: voting in each is what validators do.
        Assert.False(Verifies(new Evidence(EvidenceKind.ConflictingVotes, 2, 5, real, Vote(2, 6, "b"))));
        Assert.False(Verifies(new Evidence(EvidenceKind.ConflictingVotes, 2, 6, real, Vote(2, 6, "b"))));

        // Blaming another validator for validator 2's votes.
        Assert.False(Verifies(TwoVotes() with { Validator = 1 }));

        // A validator the set does not hold.
        Assert.False(Verifies(TwoVotes() with { Validator = 40 }));

        // The right signatures, checked for another chain.
        Assert.False(TwoVotes().Verify(Hash.Compute("another chain"u8), Net.ValidatorSet, Net.Certificates.Signatures));

        // A kind that does not match the messages.
        Assert.False(Verifies(TwoVotes() with { Kind = EvidenceKind.ConflictingProposals }));
    }
}
