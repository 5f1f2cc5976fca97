using Fairway.Core.Encoding;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Dkg;

public sealed class DkgTranscriptTests
{
    [Fact]
    public void Malformed_dealings_are_excluded_and_the_key_still_works()
    {
        var kit = DkgKit.Create(7, 3);
        var d = kit.Dealings;
        var dealings = new List<Dealing>
        {
            new(d[0].Dealer, [.. d[0].Commitments.Take(2)], d[0].Ephemeral, d[0].EncryptedShares),
            new(d[1].Dealer, [.. d[1].Commitments, GroupElement.Generator], d[1].Ephemeral, d[1].EncryptedShares),
            new(d[2].Dealer, d[2].Commitments, d[2].Ephemeral, [.. d[2].EncryptedShares.Take(6)]),
            new(d[3].Dealer, d[3].Commitments, GroupElement.Identity, d[3].EncryptedShares),
            d[4],
            d[5],
            d[6],
            new(7, d[6].Commitments, d[6].Ephemeral, d[6].EncryptedShares),
        };
        Assert.Equal("2 commitments for threshold 3", dealings[0].Check(kit.Parameters));
        Assert.Equal("4 commitments for threshold 3", dealings[1].Check(kit.Parameters));
        Assert.Equal("6 shares for 7 validators", dealings[2].Check(kit.Parameters));
        Assert.Equal("the ephemeral key is the identity", dealings[3].Check(kit.Parameters));
        Assert.Equal("dealer 7 is not among the 7 validators", dealings[7].Check(kit.Parameters));
        Assert.Equal("8 shares for 7 validators", new Dealing(d[4].Dealer, d[4].Commitments, d[4].Ephemeral, [.. d[4].EncryptedShares, Scalar.One]).Check(kit.Parameters));

        var complaints = kit.HonestComplaints(dealings);
        Assert.Empty(complaints);
        var transcript = DkgTranscript.Finish(kit.Parameters, dealings, complaints);
        Assert.Equal([(ushort)4, 5, 6], transcript.Result.Qualified);
        Assert.Equal(GroupElement.MultiplyBase(kit.ExpectedSecret([4, 5, 6])), transcript.Result.PublicKey);
        var shares = Enumerable.Range(0, 7).Select(v => transcript.SecretShare((ushort)v, kit.Keys[v])).ToArray();
        foreach (var subset in DkgKit.Subsets(7, 3))
        {
            Assert.Equal(transcript.Result.PublicKey, GroupElement.MultiplyBase(DkgKit.Combine(subset, shares)));
        }
    }

    [Fact]
    public void Fewer_qualified_dealers_than_the_threshold_fails_clearly()
    {
        var kit = DkgKit.Create(4, 3);
        var d = kit.Dealings;
        var dealings = new List<Dealing>
        {
            d[0],
            new(d[1].Dealer, [.. d[1].Commitments.Take(1)], d[1].Ephemeral, d[1].EncryptedShares),
            DkgKit.WithBadShare(d[2], 0),
            d[3],
        };
        var complaints = kit.HonestComplaints(dealings);
        Assert.Equal([(ushort)0, 3], DkgTranscript.Qualify(kit.Parameters, dealings, complaints).Select(q => q.Dealer));

        var failure = Assert.Throws<DkgException>(() => DkgTranscript.Finish(kit.Parameters, dealings, complaints));
        Assert.Equal("only 2 dealers qualified; threshold 3 needs at least 3", failure.Message);
        Assert.Throws<DkgException>(() => DkgTranscript.Finish(kit.Parameters, [], []));
    }

    [Fact]
    public void The_result_does_not_depend_on_the_order_of_complaints_or_of_distinct_dealers_dealings()
    {
        var kit = DkgKit.Create(7, 3);
        var dealings = kit.Dealings.ToList();
        dealings[1] = DkgKit.WithBadShare(DkgKit.WithBadShare(dealings[1], 0), 4);
        dealings[5] = DkgKit.WithBadShare(dealings[5], 6);

        // Valid complaints, false ones, a tampered one and a repeat, all mixed.
        var complaints = kit.HonestComplaints(dealings);
        Assert.Equal(3, complaints.Count);
        var falseOne = Complaint.Create(kit.Parameters, dealings[2], 3, kit.Keys[3]);
        var tampered = new Complaint(falseOne.Complainer, 5, dealings[5].Id, falseOne.SharedPoint, falseOne.Proof);
        complaints.AddRange([falseOne, tampered, complaints[0]]);

        var reference = Canonical.Encode(DkgTranscript.Finish(kit.Parameters, dealings, complaints).Result);
        var reversed = Enumerable.Reverse(complaints).ToList();
        for (var shift = 0; shift < complaints.Count; shift++)
        {
            var rotated = complaints.Skip(shift).Concat(complaints.Take(shift)).ToList();
            Assert.Equal(reference, Canonical.Encode(DkgTranscript.Finish(kit.Parameters, dealings, rotated).Result));
            var rotatedReverse = reversed.Skip(shift).Concat(reversed.Take(shift)).ToList();
            Assert.Equal(reference, Canonical.Encode(DkgTranscript.Finish(kit.Parameters, Enumerable.Reverse(dealings), rotatedReverse).Result));
        }

        var result = Canonical.Decode(reference, DkgResult.Decode, "result");
        Assert.Equal([(ushort)0, 2, 3, 4, 6], result.Qualified);
    }

    [Fact]
    public void A_dealers_first_dealing_counts_and_later_ones_are_ignored()
    {
        var kit = DkgKit.Create(4, 2);
        var later = Dealing.Create(kit.Parameters, 2);
        var withLater = DkgTranscript.Finish(kit.Parameters, [.. kit.Dealings, later], []);
        Assert.Equal(DkgTranscript.Finish(kit.Parameters, kit.Dealings, []).Result.KeySetId, withLater.Result.KeySetId);

        // A malformed first dealing is not replaced by a good later one: the dealer is out.
        var d = kit.Dealings[2];
        var malformedFirst = new Dealing(d.Dealer, d.Commitments, d.Ephemeral, [.. d.EncryptedShares.Skip(1)]);
        var transcript = DkgTranscript.Finish(kit.Parameters, [kit.Dealings[0], malformedFirst, kit.Dealings[1], d, kit.Dealings[3]], []);
        Assert.Equal([(ushort)0, 1, 3], transcript.Result.Qualified);
    }

    [Fact]
    public void The_key_set_id_binds_the_session_context()
    {
        var kit = DkgKit.Create(4, 2);
        var other = new DkgParameters("another chain"u8, 2, kit.Parameters.TransportKeys);
        var dealings = Enumerable.Range(0, 4).Select(j => Dealing.Create(other, (ushort)j, kit.Polynomials[j], DkgKit.Seeded($"dealer {j} ephemeral"))).ToList();
        var here = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []).Result;
        var there = DkgTranscript.Finish(other, dealings, []).Result;
        Assert.Equal(here.PublicKey, there.PublicKey);
        Assert.NotEqual(here.KeySetId, there.KeySetId);

        // The pads are bound to the session: a dealing made for one does not open in the other.
        Assert.False(dealings[0].TryOpenShare(kit.Parameters, 1, kit.Keys[1], out _));
        Assert.NotNull(Complaint.Against(kit.Parameters, dealings[0], 1, kit.Keys[1]));
    }

    [Fact]
    public void Secret_shares_are_given_only_to_the_holder_of_the_validators_transport_key()
    {
        var kit = DkgKit.Create(4, 2);
        var transcript = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []);
        Assert.Throws<ArgumentException>(() => transcript.SecretShare(0, kit.Keys[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => transcript.SecretShare(4, kit.Keys[0]));
    }

    [Fact]
    public void Parameters_refuse_impossible_sessions()
    {
        var keys = DkgKit.Create(4, 2).Parameters.TransportKeys;
        Assert.Throws<ArgumentOutOfRangeException>(() => new DkgParameters([], 0, keys));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DkgParameters([], 5, keys));
        Assert.Throws<ArgumentException>(() => new DkgParameters(new byte[129], 2, keys));
        Assert.Throws<ArgumentException>(() => new DkgParameters([], 1, []));
        Assert.Throws<ArgumentException>(() => new DkgParameters([], 1, [.. Enumerable.Repeat(keys[0], 257)]));
        Assert.Throws<ArgumentException>(() => new DkgParameters([], 2, [keys[0], GroupElement.Identity]));
        Assert.Equal(128, new DkgParameters(new byte[128], 4, keys).Context.Length);
    }

    [Fact]
    public void Dealing_refuses_a_dealer_outside_the_session_or_a_wrong_degree()
    {
        var kit = DkgKit.Create(4, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dealing.Create(kit.Parameters, 4));
        Assert.Throws<ArgumentException>(() => Dealing.Create(kit.Parameters, 0, [Scalar.One], Scalar.One));
        Assert.Throws<ArgumentException>(() => Dealing.Create(kit.Parameters, 0, [Scalar.One, Scalar.One], Scalar.Zero));
    }
}
