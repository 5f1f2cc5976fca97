using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;

namespace Fairway.Crypto.Tests.Dkg;

/// <summary>The two halves together: a key generated with a cheating dealer among the validators opens ciphertexts by threshold.</summary>
public sealed class DkgThenDecryptTests
{
    private static readonly byte[] Label = "fairway/ns/3"u8.ToArray();

    [Fact]
    public void A_generated_key_encrypts_and_any_threshold_of_validators_decrypts()
    {
        var kit = DkgKit.Create(4, 2);
        var dealings = kit.Dealings.ToList();
        dealings[3] = DkgKit.WithBadShare(dealings[3], victim: 1);
        var transcript = DkgTranscript.Finish(kit.Parameters, dealings, kit.HonestComplaints(dealings));
        Assert.DoesNotContain((ushort)3, transcript.Result.Qualified);

        var keySet = ThresholdKeySet.From(transcript.Result);
        var secrets = Enumerable.Range(0, kit.N).Select(v => transcript.SecretShare((ushort)v, kit.Keys[v])).ToArray();
        var message = "liquidate 0xabc at 1912.5"u8.ToArray();
        var ciphertext = ThresholdEncryption.Encrypt(keySet, Label, message);

        foreach (var pair in new[] { (0, 1), (0, 3), (1, 2), (2, 3) })
        {
            DecryptionShare[] shares =
            [
                ThresholdEncryption.CreateShare(keySet, pair.Item1 + 1, secrets[pair.Item1], ciphertext, Label),
                ThresholdEncryption.CreateShare(keySet, pair.Item2 + 1, secrets[pair.Item2], ciphertext, Label),
            ];
            Assert.Equal(message, ThresholdEncryption.Combine(keySet, ciphertext, shares).Plaintext);
        }

        // One validator alone has only a share: its share plus a made-up one does not open the ciphertext.
        var alone = ThresholdEncryption.CreateShare(keySet, 1, secrets[0], ciphertext, Label);
        var made = alone with { Index = 2, Value = alone.Value + GroupElement.Generator };
        Assert.Throws<InvalidOperationException>(() => ThresholdEncryption.Combine(keySet, ciphertext, [alone, made]));
    }
}
