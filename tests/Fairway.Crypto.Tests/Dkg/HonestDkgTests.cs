using Fairway.Core.Encoding;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Crypto.Tests.Dkg;

public sealed class HonestDkgTests
{
    [Theory]
    [InlineData(4, 2)]
    [InlineData(7, 3)]
    public void Honest_validators_make_no_complaints_and_every_dealer_qualifies(int n, int t)
    {
        var kit = DkgKit.Create(n, t);
        foreach (var dealing in kit.Dealings)
        {
            Assert.Null(dealing.Check(kit.Parameters));
            for (var v = 0; v < n; v++)
            {
                Assert.True(dealing.TryOpenShare(kit.Parameters, (ushort)v, kit.Keys[v], out var share));
                Assert.Equal(EvaluateDirectly(kit.Polynomials[dealing.Dealer], v + 1), share);
                Assert.Null(Complaint.Against(kit.Parameters, dealing, (ushort)v, kit.Keys[v]));
            }
        }

        var transcript = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []);
        Assert.Equal(Enumerable.Range(0, n).Select(j => (ushort)j), transcript.Result.Qualified);
        Assert.Equal(t, transcript.Result.Threshold);
        Assert.Equal(n, transcript.Result.VerificationKeys.Count);
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(7, 3)]
    public void Every_secret_share_matches_its_verification_key(int n, int t)
    {
        var kit = DkgKit.Create(n, t);
        var transcript = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []);
        for (var v = 0; v < n; v++)
        {
            Assert.Equal(transcript.Result.VerificationKeys[v], GroupElement.MultiplyBase(transcript.SecretShare((ushort)v, kit.Keys[v])));
        }

        // The key is the sum of the dealers' constant terms, and H commits to it.
        var secret = kit.ExpectedSecret(transcript.Result.Qualified);
        Assert.Equal(GroupElement.MultiplyBase(secret), transcript.Result.PublicKey);
        Assert.Equal(kit.Dealings.Aggregate(GroupElement.Identity, (sum, d) => sum + d.Commitments[0]), transcript.Result.PublicKey);
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(7, 3)]
    public void Any_threshold_of_shares_gives_the_key_and_its_public_key(int n, int t)
    {
        var kit = DkgKit.Create(n, t);
        var transcript = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []);
        var result = transcript.Result;
        var shares = Enumerable.Range(0, n).Select(v => transcript.SecretShare((ushort)v, kit.Keys[v])).ToArray();
        var secret = kit.ExpectedSecret(result.Qualified);

        var subsets = DkgKit.Subsets(n, t).ToList();
        Assert.Equal(n == 4 ? 6 : 35, subsets.Count);
        foreach (var subset in subsets)
        {
            Assert.Equal(result.PublicKey, DkgKit.CombineInExponent(subset, result.VerificationKeys));
            Assert.Equal(result.PublicKey, DkgKit.CombineInExponent(subset, [.. shares.Select(GroupElement.MultiplyBase)]));
            var combined = DkgKit.Combine(subset, shares);
            Assert.Equal(secret, combined);
            Assert.Equal(result.PublicKey, GroupElement.MultiplyBase(combined));
        }

        // More than t shares interpolate to the same key.
        Assert.Equal(secret, DkgKit.Combine([.. Enumerable.Range(0, n)], shares));
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(7, 3)]
    public void Fewer_than_threshold_shares_do_not_give_the_key(int n, int t)
    {
        var kit = DkgKit.Create(n, t);
        var transcript = DkgTranscript.Finish(kit.Parameters, kit.Dealings, []);
        var shares = Enumerable.Range(0, n).Select(v => transcript.SecretShare((ushort)v, kit.Keys[v])).ToArray();
        foreach (var subset in DkgKit.Subsets(n, t - 1))
        {
            var combined = DkgKit.Combine(subset, shares);
            Assert.NotEqual(transcript.Result.PublicKey, GroupElement.MultiplyBase(combined));
            Assert.NotEqual(transcript.Result.PublicKey, DkgKit.CombineInExponent(subset, transcript.Result.VerificationKeys));
        }
    }

    [Fact]
    public void Randomly_dealt_sessions_give_working_keys_and_differ_each_time()
    {
        var kit = DkgKit.Create(4, 2);
        var first = DkgTranscript.Finish(kit.Parameters, [.. Enumerable.Range(0, 4).Select(j => Dealing.Create(kit.Parameters, (ushort)j))], []);
        var second = DkgTranscript.Finish(kit.Parameters, [.. Enumerable.Range(0, 4).Select(j => Dealing.Create(kit.Parameters, (ushort)j))], []);
        Assert.NotEqual(first.Result.PublicKey, second.Result.PublicKey);
        Assert.NotEqual(first.Result.KeySetId, second.Result.KeySetId);
        var shares = Enumerable.Range(0, 4).Select(v => first.SecretShare((ushort)v, kit.Keys[v])).ToArray();
        Assert.Equal(first.Result.PublicKey, GroupElement.MultiplyBase(DkgKit.Combine([1, 3], shares)));
    }

    [Fact]
    public void Every_validator_computing_from_its_own_copy_of_the_agreed_messages_gets_the_identical_key_set()
    {
        var kit = DkgKit.Create(7, 3);
        var dealings = kit.Dealings.ToList();
        dealings[2] = DkgKit.WithBadShare(dealings[2], 5);
        var complaints = kit.HonestComplaints(dealings);
        Assert.Single(complaints);

        var dealingBytes = dealings.Select(Canonical.Encode).ToList();
        var complaintBytes = complaints.Select(Canonical.Encode).ToList();
        var reference = Canonical.Encode(DkgTranscript.Finish(kit.Parameters, dealings, complaints).Result);
        for (var v = 0; v < 7; v++)
        {
            // Each validator decodes what consensus delivered and finishes alone.
            var parameters = new DkgParameters(kit.Parameters.Context, 3, kit.Parameters.TransportKeys);
            var own = DkgTranscript.Finish(
                parameters,
                dealingBytes.Select(b => Canonical.Decode(b, Dealing.Decode, "dealing")),
                complaintBytes.Select(b => Canonical.Decode(b, Complaint.Decode, "complaint")));
            Assert.Equal(reference, Canonical.Encode(own.Result));
            Assert.Equal(own.Result.VerificationKeys[v], GroupElement.MultiplyBase(own.SecretShare((ushort)v, kit.Keys[v])));
        }
    }

    private static Scalar EvaluateDirectly(Scalar[] coefficients, int x)
    {
        var value = Scalar.Zero;
        var power = Scalar.One;
        foreach (var coefficient in coefficients)
        {
            value += coefficient * power;
            power *= Scalar.FromUInt64((ulong)x);
        }

        return value;
    }
}
