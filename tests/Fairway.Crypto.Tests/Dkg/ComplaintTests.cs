using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Dkg;

public sealed class ComplaintTests
{
    [Fact]
    public void A_dealer_that_sends_one_recipient_a_bad_share_is_excluded_by_that_recipients_complaint()
    {
        var kit = DkgKit.Create(4, 2);
        var dealings = kit.Dealings.ToList();
        dealings[1] = DkgKit.WithBadShare(dealings[1], 2);

        // Only the victim finds its share wrong; everyone else's still verifies.
        Assert.False(dealings[1].TryOpenShare(kit.Parameters, 2, kit.Keys[2], out _));
        var complaints = kit.HonestComplaints(dealings);
        var complaint = Assert.Single(complaints);
        Assert.Equal(2, complaint.Complainer);
        Assert.Equal(1, complaint.Dealer);
        Assert.Equal(dealings[1].Id, complaint.DealingId);
        Assert.Null(complaint.Check(kit.Parameters, dealings[1]));

        var transcript = DkgTranscript.Finish(kit.Parameters, dealings, complaints);
        var result = transcript.Result;
        Assert.Equal([(ushort)0, 2, 3], result.Qualified);
        Assert.Equal(GroupElement.MultiplyBase(kit.ExpectedSecret(result.Qualified)), result.PublicKey);

        // The key works with the remaining dealers, the victim's share included.
        var shares = Enumerable.Range(0, 4).Select(v => transcript.SecretShare((ushort)v, kit.Keys[v])).ToArray();
        for (var v = 0; v < 4; v++)
        {
            Assert.Equal(result.VerificationKeys[v], GroupElement.MultiplyBase(shares[v]));
        }

        foreach (var subset in DkgKit.Subsets(4, 2))
        {
            Assert.Equal(result.PublicKey, GroupElement.MultiplyBase(DkgKit.Combine(subset, shares)));
        }
    }

    [Fact]
    public void A_false_complaint_about_a_good_share_is_invalid_and_the_dealer_stays_qualified()
    {
        var kit = DkgKit.Create(4, 2);
        var falseComplaint = Complaint.Create(kit.Parameters, kit.Dealings[3], 0, kit.Keys[0]);
        Assert.Equal("the complainer's share verifies", falseComplaint.Check(kit.Parameters, kit.Dealings[3]));

        var result = DkgTranscript.Finish(kit.Parameters, kit.Dealings, [falseComplaint]).Result;
        Assert.Contains((ushort)3, result.Qualified);
        Assert.Equal(DkgTranscript.Finish(kit.Parameters, kit.Dealings, []).Result.KeySetId, result.KeySetId);
    }

    [Fact]
    public void A_complaint_with_a_tampered_proof_is_invalid_even_against_a_bad_share()
    {
        var kit = DkgKit.Create(4, 2);
        var bad = DkgKit.WithBadShare(kit.Dealings[1], 2);
        var genuine = Complaint.Create(kit.Parameters, bad, 2, kit.Keys[2]);
        Assert.Null(genuine.Check(kit.Parameters, bad));

        var tampered = new[]
        {
            Retouch(genuine, proof: genuine.Proof with { Response = genuine.Proof.Response + Scalar.One }),
            Retouch(genuine, proof: genuine.Proof with { Challenge = genuine.Proof.Challenge + Scalar.One }),
            Retouch(genuine, proof: new DleqProof(Scalar.Zero, Scalar.Zero)),
        };
        foreach (var complaint in tampered)
        {
            Assert.Equal("the proof that K is the complainer's shared point does not verify", complaint.Check(kit.Parameters, bad));
        }

        // Invalid complaints do not disqualify, however many there are.
        var result = DkgTranscript.Finish(kit.Parameters, [kit.Dealings[0], bad, kit.Dealings[2], kit.Dealings[3]], tampered).Result;
        Assert.Contains((ushort)1, result.Qualified);
    }

    [Fact]
    public void A_complaint_with_a_wrong_shared_point_is_invalid()
    {
        var kit = DkgKit.Create(4, 2);
        var bad = DkgKit.WithBadShare(kit.Dealings[1], 2);
        var genuine = Complaint.Create(kit.Parameters, bad, 2, kit.Keys[2]);
        var wrongPoints = new[]
        {
            genuine.SharedPoint + GroupElement.Generator,
            GroupElement.Identity,
            bad.Ephemeral.Multiply(DkgKit.Seeded("not the transport secret")),
        };
        foreach (var point in wrongPoints)
        {
            Assert.NotNull(Retouch(genuine, sharedPoint: point).Check(kit.Parameters, bad));
        }
    }

    [Fact]
    public void A_proof_does_not_carry_over_to_another_complainer_dealing_or_session()
    {
        var kit = DkgKit.Create(4, 2);
        var bad = DkgKit.WithBadShare(DkgKit.WithBadShare(kit.Dealings[1], 2), 3);
        var byTwo = Complaint.Create(kit.Parameters, bad, 2, kit.Keys[2]);
        Assert.Null(byTwo.Check(kit.Parameters, bad));

        // Claimed by another validator, whose share is also bad: the proof is for validator 2's key and context.
        Assert.Equal(
            "the proof that K is the complainer's shared point does not verify",
            new Complaint(3, byTwo.Dealer, byTwo.DealingId, byTwo.SharedPoint, byTwo.Proof).Check(kit.Parameters, bad));

        // About another dealing: the dealer's earlier good one.
        Assert.Equal("the complaint is about another dealing", byTwo.Check(kit.Parameters, kit.Dealings[1]));
        Assert.Equal("the complaint is about another dealing", Retouch(byTwo, dealer: 0).Check(kit.Parameters, bad));

        // In another session (same validators and keys, another context): the proof's context differs.
        var otherSession = new DkgParameters("another epoch"u8, 2, kit.Parameters.TransportKeys);
        Assert.NotNull(byTwo.Check(otherSession, bad));
    }

    [Fact]
    public void A_complaint_from_outside_the_validator_set_is_invalid()
    {
        var kit = DkgKit.Create(4, 2);
        var bad = DkgKit.WithBadShare(kit.Dealings[1], 2);
        var genuine = Complaint.Create(kit.Parameters, bad, 2, kit.Keys[2]);
        var outsider = new Complaint(9, genuine.Dealer, genuine.DealingId, genuine.SharedPoint, genuine.Proof);
        Assert.Equal("complainer 9 is not among the 4 validators", outsider.Check(kit.Parameters, bad));
    }

    [Fact]
    public void A_complaint_about_a_dealers_ignored_second_dealing_does_not_count()
    {
        var kit = DkgKit.Create(4, 2);
        var second = DkgKit.WithBadShare(Dealing.Create(kit.Parameters, 1), 0);
        var complaint = Complaint.Against(kit.Parameters, second, 0, kit.Keys[0]);
        Assert.NotNull(complaint);
        Assert.Null(complaint.Check(kit.Parameters, second));

        // The first dealing in agreed order counts; the complaint names the other one.
        var transcript = DkgTranscript.Finish(kit.Parameters, [.. kit.Dealings, second], [complaint]);
        Assert.Equal([(ushort)0, 1, 2, 3], transcript.Result.Qualified);
        Assert.Same(kit.Dealings[1], transcript.QualifiedDealings[1]);
        Assert.Equal(transcript.Result.VerificationKeys[0], GroupElement.MultiplyBase(transcript.SecretShare(0, kit.Keys[0])));
    }

    [Fact]
    public void A_validator_that_failed_to_complain_is_refused_its_secret_share()
    {
        var kit = DkgKit.Create(4, 2);
        var dealings = kit.Dealings.ToList();
        dealings[3] = DkgKit.WithBadShare(dealings[3], 1);
        var transcript = DkgTranscript.Finish(kit.Parameters, dealings, []);
        Assert.Contains((ushort)3, transcript.Result.Qualified);

        var refused = Assert.Throws<DkgException>(() => transcript.SecretShare(1, kit.Keys[1]));
        Assert.Contains("dealer 3", refused.Message, StringComparison.Ordinal);
        Assert.Equal(transcript.Result.VerificationKeys[0], GroupElement.MultiplyBase(transcript.SecretShare(0, kit.Keys[0])));
    }

    [Fact]
    public void No_complaint_is_made_or_needed_against_a_malformed_dealing()
    {
        var kit = DkgKit.Create(4, 2);
        var d = kit.Dealings[2];
        var malformed = new Dealing(d.Dealer, d.Commitments, d.Ephemeral, [.. d.EncryptedShares.Take(3)]);
        Assert.Null(Complaint.Against(kit.Parameters, malformed, 0, kit.Keys[0]));
        Assert.Throws<ArgumentException>(() => Complaint.Create(kit.Parameters, malformed, 0, kit.Keys[0]));
        var aboutGood = Complaint.Create(kit.Parameters, d, 0, kit.Keys[0]);
        var renamed = new Complaint(0, d.Dealer, malformed.Id, aboutGood.SharedPoint, aboutGood.Proof);
        Assert.StartsWith("the dealing is malformed", renamed.Check(kit.Parameters, malformed), StringComparison.Ordinal);
    }

    [Fact]
    public void Complaining_needs_the_complainers_own_transport_key()
    {
        var kit = DkgKit.Create(4, 2);
        Assert.Throws<ArgumentException>(() => Complaint.Create(kit.Parameters, kit.Dealings[0], 1, kit.Keys[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Complaint.Create(kit.Parameters, kit.Dealings[0], 4, kit.Keys[2]));
        Assert.Throws<ArgumentException>(() => kit.Dealings[0].TryOpenShare(kit.Parameters, 1, kit.Keys[2], out _));
    }

    private static Complaint Retouch(Complaint c, ushort? dealer = null, GroupElement? sharedPoint = null, DleqProof? proof = null) =>
        new(c.Complainer, dealer ?? c.Dealer, c.DealingId, sharedPoint ?? c.SharedPoint, proof ?? c.Proof);
}
