using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;
using Fairway.Ordering.Encrypted;

namespace Fairway.Ordering.Tests;

/// <summary>
/// Four validators' key-generation sessions fed one committed chain (what the validators' loops do with their committed
/// outputs): they agree on one key set, a cheating dealer is complained about and left out, and forged messages change nothing.
/// </summary>
public sealed class DkgSessionTests
{
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"dkg-session-{i}"))];
    private static readonly ValidatorSet Validators = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
    private static readonly Core.Crypto.Hash ChainId = Core.Crypto.Hash.Compute("dkg-session-chain"u8);
    private static readonly DkgTransportKey[] Keys = [.. Signers.Select(DkgKeys.TransportKeyOf)];
    private static readonly GroupElement[] TransportKeys = [.. Keys.Select(k => k.PublicKey)];

    private static DkgSession[] Sessions(ulong dealingHeights = 3) =>
        [.. Enumerable.Range(0, 4).Select(i => new DkgSession(ChainId, Validators, Ed25519Verifier.Instance, i, Signers[i], Keys[i], TransportKeys, dealingHeights, 3))];

    /// <summary>Commits <paramref name="transactions"/> at <paramref name="height"/> on every session; returns the complaints they make.</summary>
    private static List<Transaction> Commit(DkgSession[] sessions, ulong height, IReadOnlyList<Transaction> transactions) =>
        [.. sessions.SelectMany(s => s.OnCommitted(height, transactions))];

    private static void RunToEnd(DkgSession[] sessions, ulong from, IReadOnlyList<Transaction> first)
    {
        var pending = Commit(sessions, from, first);
        for (var height = from + 1; height <= sessions[0].CompletesAtHeight; height++)
        {
            var next = pending;
            pending = Commit(sessions, height, next);
        }
    }

    [Fact]
    public void A_dealing_that_does_not_commit_is_made_afresh_and_only_the_first_committed_counts()
    {
        var sessions = Sessions(dealingHeights: 10);
        var lost = sessions[0].OwnDealing(0)!;
        Assert.Null(sessions[0].OwnDealing(DkgSession.RedealAfterHeights - 1));
        var again = sessions[0].OwnDealing(DkgSession.RedealAfterHeights)!;
        Assert.NotEqual(lost.Hash, again.Hash);

        // The fresh dealing commits first and counts; the lost one turning up later is a second dealing.
        var dealings = sessions.Skip(1).Select(s => s.OwnDealing(0)!).Append(again).ToList();
        RunToEnd(sessions, 1, [.. dealings, lost]);
        Assert.All(sessions, s => Assert.Equal(DkgState.Ready, s.Status.State));
        Assert.Equal([0, 1, 2, 3], sessions[1].Status.Qualified.Select(q => (int)q));
        Assert.Equal(1, sessions[1].Refused["second dealing"]);
        Assert.Null(sessions[0].OwnDealing(DkgSession.RedealAfterHeights * 2));
    }

    [Fact]
    public void Honest_validators_agree_on_one_key_that_opens_ciphertexts()
    {
        var sessions = Sessions();
        var dealings = sessions.Select(s => s.OwnDealing(0)!).ToList();
        Assert.All(sessions, s => Assert.Null(s.OwnDealing(DkgSession.RedealAfterHeights - 1)));
        RunToEnd(sessions, 1, dealings);

        Assert.All(sessions, s => Assert.Equal(DkgState.Ready, s.Status.State));
        var keySet = sessions[0].Status.KeySet!;
        Assert.All(sessions, s => Assert.Equal(keySet.Id, s.Status.KeySet!.Id));
        Assert.Equal([0, 1, 2, 3], sessions[0].Status.Qualified.Select(q => (int)q));
        Assert.Equal(2, keySet.Threshold);

        var label = "fairway/ns/1"u8.ToArray();
        var ciphertext = ThresholdEncryption.Encrypt(keySet, label, "sealed"u8);
        DecryptionShare[] shares = [.. new[] { 1, 3 }.Select(v => ThresholdEncryption.CreateShare(keySet, v + 1, sessions[v].SecretShare!.Value, ciphertext, label))];
        Assert.Equal("sealed"u8.ToArray(), ThresholdEncryption.Combine(keySet, ciphertext, shares).Plaintext);
    }

    [Fact]
    public void A_cheating_dealer_draws_a_complaint_and_is_left_out()
    {
        var sessions = Sessions();
        var dealings = sessions.Select(s => s.OwnDealing(0)!).ToList();

        // Validator 3 deals validator 0 a share that does not match its commitments, and signs the dealing.
        var honest = Canonical.Decode(Canonical.Decode(dealings[3].Payload.Span, DkgMessage.Decode, "m").Body, Dealing.Decode, "d");
        var shares = honest.EncryptedShares.ToArray();
        shares[0] += Scalar.One;
        var bad = new Dealing(honest.Dealer, honest.Commitments, honest.Ephemeral, shares);
        dealings[3] = DkgMessage.Sign(ChainId, DkgMessage.DealingKind, 3, Canonical.Encode(bad), Signers[3]).ToTransaction();

        var complaints = Commit(sessions, 1, dealings);
        Assert.Single(complaints);

        // Committed twice (a restarted complainer sends it again): one complaint per complainer and dealer counts.
        RunToEnd(sessions, 2, [.. complaints, .. complaints]);
        Assert.All(sessions, s => Assert.Equal(1, s.Refused["repeated complaint"]));

        Assert.All(sessions, s => Assert.Equal([0, 1, 2], s.Status.Qualified.Select(q => (int)q)));
        Assert.All(sessions, s => Assert.Equal(sessions[0].Status.KeySet!.Id, s.Status.KeySet!.Id));
    }

    [Fact]
    public void Forged_late_and_repeated_messages_are_refused_and_change_nothing()
    {
        var sessions = Sessions();
        var dealings = sessions.Select(s => s.OwnDealing(0)!).ToList();
        var message = Canonical.Decode(dealings[1].Payload.Span, DkgMessage.Decode, "m");

        // Signed by validator 2 in validator 1's name; garbage; a second dealing from validator 1.
        var forged = (message with { Signature = Signers[2].Sign(new byte[1]) }).ToTransaction();
        var garbage = new Transaction(SystemNamespaces.Dkg, new byte[] { 1, 2, 3 });
        var unrelated = new Transaction(7, new byte[] { 9 });
        RunToEnd(sessions, 1, [forged, garbage, unrelated, .. dealings, dealings[1]]);

        Assert.All(sessions, s => Assert.Equal(DkgState.Ready, s.Status.State));
        Assert.Equal(1, sessions[0].Refused["bad signature"]);
        Assert.Equal(1, sessions[0].Refused["malformed message"]);
        Assert.Equal(1, sessions[0].Refused["second dealing"]);
    }

    [Fact]
    public void Too_few_dealings_in_time_fail_with_a_reason()
    {
        var sessions = Sessions();
        var dealings = sessions.Select(s => s.OwnDealing(0)!).ToList();

        // Only validator 0 deals within the dealing heights; the others' dealings arrive too late.
        Commit(sessions, 1, [dealings[0]]);
        Commit(sessions, 4, [.. dealings.Skip(1)]);
        RunToEnd(sessions, 5, []);

        Assert.All(sessions, s => Assert.Equal(DkgState.Failed, s.Status.State));
        Assert.Contains("qualified", sessions[0].Status.Failure!, StringComparison.Ordinal);
        Assert.Equal(3, sessions[0].Refused["dealing after the dealing heights"]);
    }

    [Fact]
    public void A_restarted_validator_recomputes_the_same_share_from_the_chain()
    {
        var sessions = Sessions();
        var dealings = sessions.Select(s => s.OwnDealing(0)!).ToList();
        RunToEnd(sessions, 1, dealings);

        var restarted = new DkgSession(ChainId, Validators, Ed25519Verifier.Instance, 2, Signers[2], Keys[2], TransportKeys, 3, 3);
        restarted.OnCommitted(1, dealings);
        for (var height = 2UL; height <= restarted.CompletesAtHeight; height++)
        {
            restarted.OnCommitted(height, []);
        }

        Assert.Equal(sessions[2].Status.KeySet!.Id, restarted.Status.KeySet!.Id);
        Assert.Equal(sessions[2].SecretShare, restarted.SecretShare);
        Assert.Null(restarted.OwnDealing(restarted.CompletesAtHeight));
    }
}
