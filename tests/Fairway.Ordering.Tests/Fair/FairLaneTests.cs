using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Fair;

namespace Fairway.Ordering.Tests.Fair;

public class FairLaneTests
{
    private static readonly Hash ChainId = Hash.Compute("fair lane tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"lane-{i}"))];
    private static readonly ValidatorSet Four = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
    private const ulong Now = 1_700_000_000_000;
    private const ulong Round = 10;

    private static FairLane Lane(int self = 0) =>
        new(new FairLaneOptions { DelayMs = 250, SkewMs = 100 }, ChainId, Four, self, Signers[self], Ed25519Verifier.Instance);

    private static Transaction Tx(string payload) => new(2, System.Text.Encoding.UTF8.GetBytes(payload));

    private static CandidateList ListOf(int validator, ulong round, ulong clock, params (Transaction Tx, Batch Batch, ulong At)[] entries) =>
        CandidateList.Sign(ChainId, round, (ushort)validator, clock, 0, entries.Select(e => new CandidateEntry(e.Tx.Hash, e.At, e.Batch.Digest)), Signers[validator]);

    private static Block BlockWith(ulong timestamp, IReadOnlyList<Batch> batches, IReadOnlyList<CandidateList> lists, ulong round = Round) =>
        new(ChainId, round, 5, 0, timestamp, new QuorumCertificate(round - 1, Hash.Compute("parent"u8), []), null, [.. batches.Select(b => b.Digest)], [], lists);

    [Fact]
    public void A_validator_lists_what_it_has_held_for_the_fair_delay_and_signs_one_list_per_round()
    {
        var lane = Lane();
        var batch = new Batch(ChainId, 0, 1, [Tx("old"), Tx("new")]);
        lane.Receive(batch.Transactions[0].Hash, batch.Digest, Now - 300);
        lane.Receive(batch.Transactions[1].Hash, batch.Digest, Now - 100);

        var list = lane.ListFor(Round, Now)!;
        Assert.Equal([batch.Transactions[0].Hash], list.Entries.Select(e => e.Transaction));
        Assert.Equal(batch.Digest, list.Entries[0].Batch);
        Assert.Null(list.Check(ChainId, Four, Ed25519Verifier.Instance));

        // Asked again for the round, later, it gives the same signed list: two lists for one round are evidence.
        Assert.Same(list, lane.ListFor(Round, Now + 1_000));
        Assert.Equal(2, lane.ListFor(Round + 1, Now + 1_000)!.Entries.Count);
    }

    [Fact]
    public void After_a_restart_a_validator_signs_no_list_for_a_round_it_may_have_listed_before()
    {
        var lane = Lane();
        lane.RefuseListsThrough(Round);
        Assert.Null(lane.ListFor(Round, Now));
        Assert.NotNull(lane.ListFor(Round + 1, Now));
    }

    [Fact]
    public void Included_transactions_leave_the_lists()
    {
        var lane = Lane();
        var tx = Tx("a");
        lane.Receive(tx.Hash, Hash.Zero, Now - 1_000);
        lane.OnOutput([tx.Hash]);
        Assert.Empty(lane.ListFor(Round, Now)!.Entries);
        Assert.Equal(0, lane.Pending);
    }

    [Fact]
    public void Bad_lists_from_peers_are_refused_with_a_reason_and_a_second_list_for_a_round_is_a_conflict()
    {
        var lane = Lane();
        lane.AdvanceTo(Round);
        var good = ListOf(1, Round, Now);
        Assert.Null(lane.OnList(1, good, Now, out _));
        Assert.Null(lane.OnList(1, good, Now, out _));

        var forged = new CandidateList(ChainId, Round, 2, Now, 0, [], good.Signature);
        Assert.Equal("bad signature", lane.OnList(2, forged, Now, out _));
        Assert.Equal("signer is not the sender", lane.OnList(3, ListOf(2, Round, Now), Now, out _));
        Assert.Equal("not a validator", lane.OnList(9, new CandidateList(ChainId, Round, 9, Now, 0, [], good.Signature), Now, out _));
        Assert.Equal("old round", lane.OnList(2, ListOf(2, Round - FairLane.RoundsKept - 1, Now), Now, out _));
        Assert.Equal("round out of range", lane.OnList(2, ListOf(2, Round + FairLane.RoundsKept + 1, Now), Now, out _));
        Assert.Equal("clock out of bounds", lane.OnList(2, ListOf(2, Round, Now + 1_000), Now, out _));
        Assert.Equal("clock out of bounds", lane.OnList(2, ListOf(2, Round, Now - 60_000), Now, out _));

        var second = ListOf(1, Round, Now + 1);
        Assert.Equal("conflicting list", lane.OnList(1, second, Now, out var conflict));
        Assert.Equal((good.Digest, second.Digest), (conflict!.First.Digest, conflict.Second.Digest));
    }

    [Fact]
    public void A_leader_waits_for_lists_of_a_quorum_then_carries_them_with_the_batches_their_inclusions_need()
    {
        var leader = Lane(0);
        leader.AdvanceTo(Round);
        var tx = Tx("a");
        var committedEarlier = new Batch(ChainId, 1, 1, [tx]);
        var missing = new HashSet<Hash>();
        Batch? Find(Hash d) => d == committedEarlier.Digest ? committedEarlier : null;

        leader.ListFor(Round, Now);
        Assert.Null(leader.OnList(1, ListOf(1, Round, Now, (tx, committedEarlier, Now - 500)), Now, out _));
        Assert.Null(leader.Propose(Round, 0, [], Find, _ => false, missing));

        Assert.Null(leader.OnList(2, ListOf(2, Round, Now + 10, (tx, committedEarlier, Now - 490)), Now, out _));
        var proposal = leader.Propose(Round, 0, [], Find, _ => false, missing)!;
        Assert.Equal([0, 1, 2], proposal.Lists.Select(l => (int)l.Validator));
        Assert.Equal([committedEarlier.Digest], proposal.PayloadDigests);
        Assert.Equal(Now, proposal.TimestampMs);
        Assert.Empty(missing);

        // A batch the lists name but this leader lacks is reported, to be fetched; it does not propose without it.
        Assert.Null(leader.Propose(Round, 0, [], _ => null, _ => false, missing));
        Assert.Equal([committedEarlier.Digest], missing);
    }

    [Fact]
    public void A_voter_accepts_a_sound_fair_proposal_and_refuses_each_kind_of_unsound_one()
    {
        var voter = Lane(3);
        voter.AdvanceTo(Round);
        var tx = Tx("a");
        var batch = new Batch(ChainId, 1, 1, [tx]);
        CandidateList[] lists = [ListOf(0, Round, Now - 20, (tx, batch, Now - 500)), ListOf(1, Round, Now, (tx, batch, Now - 480)), ListOf(2, Round, Now + 20)];
        var timestamp = voter.Timestamp(lists, 0);
        Assert.Equal(Now, timestamp);

        Assert.Null(voter.CheckProposal(BlockWith(timestamp, [batch], lists), 0, [batch], Now, _ => false));
        Assert.Equal("an included transaction has no payload in the block", voter.CheckProposal(BlockWith(timestamp, [], lists), 0, [], Now, _ => false));
        Assert.Null(voter.CheckProposal(BlockWith(timestamp, [], lists), 0, [], Now, _ => true));
        Assert.Equal("timestamp is not the median of the lists' clocks", voter.CheckProposal(BlockWith(timestamp + 1, [batch], lists), 0, [batch], Now, _ => false));
        Assert.Equal("timestamp is not the median of the lists' clocks", voter.CheckProposal(BlockWith(timestamp, [batch], lists), Now + 5, [batch], Now, _ => false));
        Assert.Equal("lists without a quorum", voter.CheckProposal(BlockWith(timestamp, [batch], lists[..2]), 0, [batch], Now, _ => false));
        Assert.Equal("list for another round", voter.CheckProposal(BlockWith(timestamp, [batch], lists, Round + 1), 0, [batch], Now, _ => false));
        Assert.Equal("block without candidate lists", voter.CheckProposal(BlockWith(timestamp, [batch], []), 0, [batch], Now, _ => false));
        Assert.Equal("clock out of bounds", voter.CheckProposal(BlockWith(timestamp, [batch], lists), 0, [batch], Now + 60_000, _ => false));
        var forged = new CandidateList(ChainId, Round, 2, Now, 0, [], lists[0].Signature);
        Assert.Equal("bad signature", voter.CheckProposal(BlockWith(timestamp, [batch], [lists[0], lists[1], forged]), 0, [batch], Now, _ => false));
    }

    [Fact]
    public void A_restarted_validator_lists_again_what_it_had_seen_with_the_times_it_saw_it()
    {
        var lane = Lane();
        var (a, b) = (Tx("a"), Tx("b"));
        var batch = new Batch(ChainId, 1, 1, [a, b, new Transaction(1, new byte[] { 1 })]);
        lane.Restore([(batch, Now - 400)], t => t.Namespace == 2, h => h == b.Hash);
        var list = lane.ListFor(Round, Now)!;
        Assert.Equal([new CandidateEntry(a.Hash, Now - 400, batch.Digest)], list.Entries);
    }
}
