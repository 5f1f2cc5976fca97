using System.Text;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Crypto.Tests.Threshold;

public sealed class ThresholdEncryptionTests
{
    private static readonly byte[] Label = Encoding.UTF8.GetBytes("fairway/ns/7");
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("buy 10 ETH-PERP at market");

    private static DecryptionShare[] Shares(ThresholdKeySet keySet, Scalar[] secrets, ThresholdCiphertext ciphertext, params int[] indices) =>
        [.. indices.Select(i => ThresholdEncryption.CreateShare(keySet, i, secrets[i - 1], ciphertext, Label))];

    [Fact]
    public void Any_threshold_of_shares_opens_the_ciphertext()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        Assert.Null(ThresholdEncryption.Check(keySet, ciphertext, Label));
        foreach (var pair in new[] { new[] { 1, 2 }, [1, 4], [3, 2], [4, 3] })
        {
            var result = ThresholdEncryption.Combine(keySet, ciphertext, Shares(keySet, secrets, ciphertext, pair));
            Assert.Equal(Message, result.Plaintext);
        }

        // Round trip through the wire form too.
        var decoded = Canonical.Decode(Canonical.Encode(ciphertext), ThresholdCiphertext.Decode, "ciphertext");
        Assert.Equal(ciphertext.Id, decoded.Id);
        Assert.Equal(Message, ThresholdEncryption.Combine(keySet, decoded, Shares(keySet, secrets, decoded, 2, 3)).Plaintext);
    }

    [Fact]
    public void The_body_hides_the_plaintext_and_two_encryptions_differ()
    {
        var (keySet, _) = TrustedDealer.Deal(4, 2);
        var a = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var b = ThresholdEncryption.Encrypt(keySet, Label, Message);
        Assert.NotEqual(a.Id, b.Id);
        var encoded = Canonical.Encode(a);
        Assert.True(encoded.AsSpan().IndexOf(Message.AsSpan(0, 8)) < 0);
    }

    [Fact]
    public void Shares_combined_unchecked_open_it_only_when_every_one_is_right()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var right = Shares(keySet, secrets, ciphertext, 1, 3);
        Assert.Equal(Message, ThresholdEncryption.TryCombineUnchecked(keySet, ciphertext, right)!.Plaintext);

        // One wrong share: the combined key fails the body's key check, so nothing comes out, not a wrong plaintext.
        var forged = right[1] with { Value = right[1].Value + GroupElement.Generator };
        Assert.Null(ThresholdEncryption.TryCombineUnchecked(keySet, ciphertext, [right[0], forged]));
        Assert.False(ThresholdEncryption.VerifyShare(keySet, ciphertext, forged));

        // Checking one by one then finds a threshold among the rest.
        var more = Shares(keySet, secrets, ciphertext, 4);
        Assert.Equal(Message, ThresholdEncryption.Combine(keySet, ciphertext, [right[0], forged, more[0]]).Plaintext);

        // Too few shares, or shares of another ciphertext, open nothing.
        Assert.Null(ThresholdEncryption.TryCombineUnchecked(keySet, ciphertext, [right[0]]));
        var other = ThresholdEncryption.Encrypt(keySet, Label, Message);
        Assert.Null(ThresholdEncryption.TryCombineUnchecked(keySet, other, right));
        Assert.Equal(ThresholdCiphertext.KeyCheckSize + Message.Length + ThresholdCiphertext.TagSize, ciphertext.Body.Count);
    }

    [Fact]
    public void Fewer_than_the_threshold_of_shares_do_not_open_it()
    {
        var (keySet, secrets) = TrustedDealer.Deal(7, 3);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var two = Shares(keySet, secrets, ciphertext, 2, 5);
        Assert.Throws<InvalidOperationException>(() => ThresholdEncryption.Combine(keySet, ciphertext, two));

        // The same share twice is one share.
        Assert.Throws<InvalidOperationException>(() => ThresholdEncryption.Combine(keySet, ciphertext, [two[0], two[0], two[1]]));

        // Interpolating two shares as if they were enough gives a wrong key: the body does not open.
        var twoOfTwo = new ThresholdKeySet(keySet.Id, 2, keySet.PublicKey, keySet.VerificationKeys);
        Assert.False(ThresholdEncryption.Combine(twoOfTwo, ciphertext, two).Decrypted);
    }

    [Fact]
    public void A_forged_share_is_refused_and_passed_over()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var good = Shares(keySet, secrets, ciphertext, 1, 2, 3);

        // A share made with the wrong secret, a right share moved to another index, and a share for another ciphertext.
        var wrongValue = good[0] with { Value = good[0].Value + GroupElement.Generator };
        var movedIndex = good[0] with { Index = 4 };
        var other = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var otherShare = Shares(keySet, secrets, other, 1)[0];
        Assert.False(ThresholdEncryption.VerifyShare(keySet, ciphertext, wrongValue));
        Assert.False(ThresholdEncryption.VerifyShare(keySet, ciphertext, movedIndex));
        Assert.False(ThresholdEncryption.VerifyShare(keySet, ciphertext, otherShare));
        Assert.False(ThresholdEncryption.VerifyShare(keySet, ciphertext, good[0] with { Index = 9 }));
        Assert.True(ThresholdEncryption.VerifyShare(keySet, ciphertext, good[1]));

        // Bad shares first: combining skips them and still opens with the good ones.
        var result = ThresholdEncryption.Combine(keySet, ciphertext, [wrongValue, movedIndex, otherShare, good[1], good[2]]);
        Assert.Equal(Message, result.Plaintext);
        Assert.Throws<InvalidOperationException>(() => ThresholdEncryption.Combine(keySet, ciphertext, [wrongValue, movedIndex, good[1]]));
    }

    [Fact]
    public void Combining_checked_shares_skips_only_the_proofs()
    {
        var (keySet, secrets) = TrustedDealer.Deal(7, 3);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var shares = Shares(keySet, secrets, ciphertext, 2, 4, 7);
        Assert.Equal(Message, ThresholdEncryption.CombineVerified(keySet, ciphertext, shares).Plaintext);

        // A repeated index or a share of another ciphertext does not count toward the threshold.
        var other = Shares(keySet, secrets, ThresholdEncryption.Encrypt(keySet, Label, Message), 5)[0];
        Assert.Throws<InvalidOperationException>(() => ThresholdEncryption.CombineVerified(keySet, ciphertext, [shares[0], shares[0], other, shares[1]]));
    }

    [Fact]
    public void A_mauled_ciphertext_is_refused_and_gets_no_shares()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var body = ciphertext.Body.ToArray();
        body[3] ^= 1;
        var mauled = new ThresholdCiphertext(ciphertext.KeySetId, Label, ciphertext.U, ciphertext.UBar, body, ciphertext.Proof);
        Assert.Equal("ciphertext proof does not verify", ThresholdEncryption.Check(keySet, mauled, Label));
        Assert.Throws<ArgumentException>(() => ThresholdEncryption.CreateShare(keySet, 1, secrets[0], mauled, Label));

        // Re-randomising U (U + G) is caught the same way.
        var shifted = new ThresholdCiphertext(
            ciphertext.KeySetId, Label, ciphertext.U + GroupElement.Generator, ciphertext.UBar, ciphertext.Body.ToArray(), ciphertext.Proof);
        Assert.NotNull(ThresholdEncryption.Check(keySet, shifted, Label));
    }

    [Fact]
    public void The_label_binds_the_ciphertext_to_its_namespace()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var elsewhere = Encoding.UTF8.GetBytes("fairway/ns/8");
        Assert.Equal("ciphertext for another label", ThresholdEncryption.Check(keySet, ciphertext, elsewhere));

        // Relabelled outright, the proof no longer holds.
        var relabelled = new ThresholdCiphertext(ciphertext.KeySetId, elsewhere, ciphertext.U, ciphertext.UBar, ciphertext.Body.ToArray(), ciphertext.Proof);
        Assert.Equal("ciphertext proof does not verify", ThresholdEncryption.Check(keySet, relabelled, elsewhere));
        Assert.Throws<ArgumentException>(() => ThresholdEncryption.CreateShare(keySet, 1, secrets[0], relabelled, elsewhere));
    }

    [Fact]
    public void A_ciphertext_for_another_key_set_is_refused()
    {
        var (keySet, _) = TrustedDealer.Deal(4, 2);
        var (other, otherSecrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        Assert.Equal("ciphertext for another key set", ThresholdEncryption.Check(other, ciphertext, Label));
        Assert.Throws<ArgumentException>(() => ThresholdEncryption.CreateShare(other, 1, otherSecrets[0], ciphertext, Label));
    }

    [Fact]
    public void A_body_sealed_under_another_key_is_undecryptable_for_everyone_alike()
    {
        // A sender can make a well-formed ciphertext whose body does not open (it proves U and Ū, not the body's key).
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var honest = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var (stranger, _) = TrustedDealer.Deal(4, 2);
        var foreignBody = ThresholdEncryption.Encrypt(stranger, Label, Message).Body.ToArray();
        var r = Scalar.Random();
        var proof = DleqProofFor(keySet, foreignBody, r);
        var bad = new ThresholdCiphertext(keySet.Id, Label, GroupElement.MultiplyBase(r), ThresholdEncryption.SecondGenerator.Multiply(r), foreignBody, proof);
        Assert.Null(ThresholdEncryption.Check(keySet, bad, Label));
        var first = ThresholdEncryption.Combine(keySet, bad, Shares(keySet, secrets, bad, 1, 2));
        var second = ThresholdEncryption.Combine(keySet, bad, Shares(keySet, secrets, bad, 3, 4));
        Assert.False(first.Decrypted);
        Assert.False(second.Decrypted);
        Assert.True(ThresholdEncryption.Combine(keySet, honest, Shares(keySet, secrets, honest, 3, 4)).Decrypted);
    }

    [Fact]
    public void Decoding_refuses_bad_input()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, Message);
        var bytes = Canonical.Encode(ciphertext);
        Assert.Throws<EncodingException>(() => Canonical.Decode(bytes.AsSpan(0, bytes.Length - 1), ThresholdCiphertext.Decode, "ciphertext"));

        // U replaced by a non-canonical encoding.
        var badU = (byte[])bytes.Clone();
        var uOffset = 1 + 32 + 1 + Label.Length;
        Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").CopyTo(badU, uOffset);
        Assert.Throws<EncodingException>(() => Canonical.Decode(badU, ThresholdCiphertext.Decode, "ciphertext"));

        // The proof's response replaced by ℓ (not canonical).
        var badProof = (byte[])bytes.Clone();
        Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").CopyTo(badProof, badProof.Length - 32);
        Assert.Throws<EncodingException>(() => Canonical.Decode(badProof, ThresholdCiphertext.Decode, "ciphertext"));

        var share = Shares(keySet, secrets, ciphertext, 1)[0];
        var shareBytes = Canonical.Encode(share);
        Assert.Equal(DecryptionShare.EncodedSize, shareBytes.Length);
        Assert.Equal(share, Canonical.Decode(shareBytes, DecryptionShare.Decode, "share"));
        var keySetBytes = Canonical.Encode(keySet);
        var decodedKeySet = Canonical.Decode(keySetBytes, ThresholdKeySet.Decode, "key set");
        Assert.Equal(keySet.PublicKey, decodedKeySet.PublicKey);
        Assert.Equal(keySet.VerificationKeys, decodedKeySet.VerificationKeys);
    }

    private static DleqProof DleqProofFor(ThresholdKeySet keySet, byte[] body, Scalar r)
    {
        // The same statement Encrypt proves, made here over a body Encrypt did not seal.
        byte[] context = [.. keySet.Id.ToArray(), (byte)Label.Length, .. Label, .. System.Security.Cryptography.SHA256.HashData(body)];
        return DleqProof.Prove("fairway/tdh2/ciphertext", context, r, GroupElement.Generator, ThresholdEncryption.SecondGenerator);
    }
}
