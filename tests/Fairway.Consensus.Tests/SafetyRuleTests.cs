using Fairway.Consensus.Engine;
using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Tests;

public class SafetyRuleTests
{
    private static (TestNetwork Net, int Voter, ProposalMessage First, ProposalMessage Second) TwoProposalsForRoundOne()
    {
        var net = new TestNetwork(4);
        var leader = net.ValidatorSet.LeaderOf(1);
        var voter = Enumerable.Range(0, 4).First(i => i != leader && i != net.ValidatorSet.LeaderOf(2));
        var genesisQc = QuorumCertificate.Genesis(net.Genesis.Hash);
        var first = net.SignProposal(new Block(net.ChainId, 1, 1, (ushort)leader, 10, genesisQc, null, [Hash.Compute("a"u8)]));
        var second = net.SignProposal(new Block(net.ChainId, 1, 1, (ushort)leader, 10, genesisQc, null, [Hash.Compute("b"u8)]));
        net.Start(voter);
        return (net, voter, first, second);
    }

    private static IReadOnlyList<ConsensusOutput> Deliver(TestNetwork net, int to, int from, ConsensusMessage message)
    {
        var before = net.Outputs[to].Count;
        net.Deliver(to, from, message);
        return net.Outputs[to].Skip(before).SelectMany(o => o).ToList();
    }

    [Fact]
    public void A_validator_votes_once_for_a_valid_proposal_after_persisting_its_vote()
    {
        var (net, voter, first, _) = TwoProposalsForRoundOne();

        var outputs = Deliver(net, voter, first.Block.Author, first);

        var persistIndex = outputs.ToList().FindIndex(o => o is PersistSafety);
        var voteIndex = outputs.ToList().FindIndex(o => o is SendTo { Message: VoteMessage });
        Assert.True(persistIndex >= 0 && voteIndex > persistIndex, "the vote leaves only after the state that records it");
        var vote = (VoteMessage)((SendTo)outputs[voteIndex]).Message;
        Assert.Equal(first.Block.Hash, vote.BlockHash);
        Assert.Equal(net.ValidatorSet.LeaderOf(2), ((SendTo)outputs[voteIndex]).To);
    }

    [Fact]
    public void A_second_proposal_for_the_same_round_gets_no_vote_and_yields_verifiable_evidence()
    {
        var (net, voter, first, second) = TwoProposalsForRoundOne();
        Deliver(net, voter, first.Block.Author, first);

        var outputs = Deliver(net, voter, second.Block.Author, second);

        Assert.DoesNotContain(outputs, o => o is SendTo { Message: VoteMessage });
        var evidence = Assert.Single(outputs.OfType<EvidenceFound>()).Evidence;
        Assert.Equal(EvidenceKind.ConflictingProposals, evidence.Kind);
        Assert.Equal(first.Block.Author, evidence.Validator);
        Assert.True(evidence.Verify(net.ChainId, net.ValidatorSet, net.Certificates.Signatures));
    }

    [Fact]
    public void Forged_evidence_does_not_verify()
    {
        var (net, _, first, _) = TwoProposalsForRoundOne();
        var unsigned = new ProposalMessage(
            new Block(net.ChainId, 1, 1, first.Block.Author, 10, first.Block.Justify, null, [Hash.Compute("c"u8)]),
            first.Signature);

        var forged = new Evidence(EvidenceKind.ConflictingProposals, first.Block.Author, 1, first, unsigned);

        Assert.False(forged.Verify(net.ChainId, net.ValidatorSet, net.Certificates.Signatures));
        Assert.False(new Evidence(EvidenceKind.ConflictingProposals, first.Block.Author, 1, first, first)
            .Verify(net.ChainId, net.ValidatorSet, net.Certificates.Signatures));
    }

    [Fact]
    public void A_restarted_validator_never_votes_twice_in_a_round()
    {
        var (net, voter, first, second) = TwoProposalsForRoundOne();
        Deliver(net, voter, first.Block.Author, first);

        net.Crash(voter);
        net.Start(voter);
        var outputs = Deliver(net, voter, second.Block.Author, second).Concat(Deliver(net, voter, first.Block.Author, first)).ToList();

        Assert.Equal(1UL, net.Core(voter).Safety.LastVotedRound);
        Assert.DoesNotContain(outputs, o => o is SendTo { Message: VoteMessage });
    }

    [Fact]
    public void A_restarted_leader_resends_its_stored_proposal_instead_of_signing_a_new_one()
    {
        var net = new TestNetwork(4);
        var leader = net.ValidatorSet.LeaderOf(1);
        net.Start(leader);
        var proposed = net.PersistedSafety[leader]!.LastProposal!;

        net.Crash(leader);
        var before = net.Outputs[leader].Count;
        net.Start(leader);
        var outputs = net.Outputs[leader].Skip(before).SelectMany(o => o).ToList();

        Assert.DoesNotContain(outputs, o => o is RequestPayload);
        var resent = Assert.Single(outputs.OfType<Broadcast>().Select(b => b.Message).OfType<ProposalMessage>());
        Assert.Equal(proposed.Block.Hash, resent.Block.Hash);
    }

    [Fact]
    public void A_validator_restarted_in_the_round_it_voted_in_resends_the_same_signed_vote_to_the_next_leader()
    {
        var (net, voter, first, _) = TwoProposalsForRoundOne();
        Deliver(net, voter, first.Block.Author, first);
        var signed = net.PersistedSafety[voter]!.LastVote!;

        // The vote may have died with the process: after the restart it must leave again, unchanged.
        net.Crash(voter);
        var before = net.Outputs[voter].Count;
        net.Start(voter);
        var outputs = net.Outputs[voter].Skip(before).SelectMany(o => o).ToList();

        var resent = Assert.Single(outputs.OfType<SendTo>(), o => o.Message is VoteMessage);
        Assert.Equal(net.ValidatorSet.LeaderOf(2), resent.To);
        // The same signed vote, byte for byte, as read back from the safety store (a copy, not the object signed).
        var vote = Assert.IsType<VoteMessage>(resent.Message);
        Assert.Equal((signed.Round, signed.BlockHash, signed.Voter, signed.Signature), (vote.Round, vote.BlockHash, vote.Voter, vote.Signature));
        Assert.DoesNotContain(outputs, o => o is PersistSafety);
    }

    [Fact]
    public void After_timing_out_in_a_round_a_validator_no_longer_votes_in_it()
    {
        var (net, voter, first, _) = TwoProposalsForRoundOne();
        net.RunUntil(() => net.PersistedSafety[voter]?.LastTimeout is not null);

        var outputs = Deliver(net, voter, first.Block.Author, first);

        Assert.DoesNotContain(outputs, o => o is SendTo { Message: VoteMessage });
    }
}
