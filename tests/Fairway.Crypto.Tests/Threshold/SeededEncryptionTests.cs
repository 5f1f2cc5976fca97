using System.Text;
using Fairway.Core.Encoding;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Crypto.Tests.Threshold;

/// <summary>Encryption with given randomness, as the simulator uses it: it must replay byte for byte and still open.</summary>
public sealed class SeededEncryptionTests
{
    private static readonly byte[] Label = Encoding.UTF8.GetBytes("fairway/ns/2");
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("swap 3 ETH for USDC");

    private static Scalar Seeded(string label) => Scalar.Hash("fairway/test/seeded-encryption", Encoding.UTF8.GetBytes(label));

    [Fact]
    public void The_same_randomness_gives_the_same_ciphertext_and_any_threshold_opens_it()
    {
        var (keySet, secrets) = TrustedDealer.Deal(4, 2);
        var a = ThresholdEncryption.Encrypt(keySet, Label, Message, Seeded("r 1"), Seeded("k 1"));
        var b = ThresholdEncryption.Encrypt(keySet, Label, Message, Seeded("r 1"), Seeded("k 1"));

        Assert.Equal(Canonical.Encode(a), Canonical.Encode(b));
        Assert.Null(ThresholdEncryption.Check(keySet, a, Label));
        DecryptionShare[] shares =
        [
            ThresholdEncryption.CreateShare(keySet, 2, secrets[1], a, Label),
            ThresholdEncryption.CreateShare(keySet, 4, secrets[3], a, Label),
        ];
        Assert.Equal(Message, ThresholdEncryption.Combine(keySet, a, shares).Plaintext);
    }

    [Fact]
    public void Other_randomness_gives_another_ciphertext_and_a_zero_exponent_is_refused()
    {
        var (keySet, _) = TrustedDealer.Deal(4, 2);
        var a = ThresholdEncryption.Encrypt(keySet, Label, Message, Seeded("r 1"), Seeded("k 1"));
        Assert.NotEqual(a.Id, ThresholdEncryption.Encrypt(keySet, Label, Message, Seeded("r 2"), Seeded("k 1")).Id);
        Assert.NotEqual(a.Id, ThresholdEncryption.Encrypt(keySet, Label, Message, Seeded("r 1"), Seeded("k 2")).Id);
        Assert.Throws<ArgumentException>(() => ThresholdEncryption.Encrypt(keySet, Label, Message, Scalar.Zero, Seeded("k 1")));
    }

    [Fact]
    public void A_proof_with_a_given_nonce_replays_and_verifies()
    {
        var x = Seeded("x");
        var b2 = ThresholdEncryption.SecondGenerator;
        var p = DleqProof.Prove("test", "ctx"u8, x, GroupElement.Generator, b2, Seeded("nonce"));
        Assert.Equal(p, DleqProof.Prove("test", "ctx"u8, x, GroupElement.Generator, b2, Seeded("nonce")));
        Assert.True(p.Verify("test", "ctx"u8, GroupElement.Generator, GroupElement.MultiplyBase(x), b2, b2.Multiply(x)));
    }
}
