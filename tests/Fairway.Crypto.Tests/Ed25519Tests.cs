using System.Security.Cryptography;
using Fairway.Core.Crypto;
using Org.BouncyCastle.Security;

namespace Fairway.Crypto.Tests;

public class Ed25519Tests
{
    private static readonly Ed25519Verifier Verifier = Ed25519Verifier.Instance;

    [Fact]
    public void Rfc8032_test_vector_1_matches()
    {
        var signer = Ed25519Signer.FromSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", signer.PublicKey.ToHex());
        var signature = signer.Sign([]);
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            signature.ToHex());
        Assert.True(Verifier.Verify(signer.PublicKey, [], signature));
    }

    [Fact]
    public void Signature_verifies_for_its_key_and_message()
    {
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        var message = "transfer 10 to bob"u8.ToArray();
        Assert.True(Verifier.Verify(signer.PublicKey, message, signer.Sign(message)));
    }

    [Fact]
    public void Signing_is_deterministic()
    {
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        Assert.Equal(signer.Sign("m"u8), signer.Sign("m"u8));
    }

    [Fact]
    public void Tampered_message_is_rejected()
    {
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        var message = "transfer 10 to bob"u8.ToArray();
        var signature = signer.Sign(message);
        for (var i = 0; i < message.Length; i++)
        {
            var tampered = (byte[])message.Clone();
            tampered[i] ^= 0x01;
            Assert.False(Verifier.Verify(signer.PublicKey, tampered, signature));
        }

        Assert.False(Verifier.Verify(signer.PublicKey, message[..^1], signature));
        Assert.False(Verifier.Verify(signer.PublicKey, [.. message, 0], signature));
    }

    [Fact]
    public void Tampered_signature_is_rejected()
    {
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        var message = "hello"u8.ToArray();
        var bytes = signer.Sign(message).ToArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x80;
            Assert.False(Verifier.Verify(signer.PublicKey, message, new Signature(tampered)));
        }
    }

    [Fact]
    public void Signature_under_another_key_is_rejected()
    {
        var alice = Ed25519Signer.FromSeedPhrase("alice");
        var bob = Ed25519Signer.FromSeedPhrase("bob");
        var message = "hello"u8.ToArray();
        Assert.False(Verifier.Verify(bob.PublicKey, message, alice.Sign(message)));

        var keyBytes = alice.PublicKey.ToArray();
        keyBytes[0] ^= 0x01;
        Assert.False(Verifier.Verify(new PublicKey(keyBytes), message, alice.Sign(message)));
    }

    [Fact]
    public void Garbage_keys_and_signatures_are_rejected_without_throwing()
    {
        var message = "hello"u8.ToArray();
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        var good = signer.Sign(message);
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var key = new byte[32];
            var sig = new byte[64];
            random.NextBytes(key);
            random.NextBytes(sig);
            Assert.False(Verifier.Verify(new PublicKey(key), message, new Signature(sig)));
            Assert.False(Verifier.Verify(new PublicKey(key), message, good));
        }

        var allOnes = Enumerable.Repeat((byte)0xff, 64).ToArray();
        Assert.False(Verifier.Verify(new PublicKey(allOnes[..32]), message, good)); // y not below the field prime
        Assert.False(Verifier.Verify(signer.PublicKey, message, new Signature(allOnes))); // S not below the group order
        Assert.False(Verifier.Verify(new PublicKey(new byte[32]), message, new Signature(new byte[64])));
    }

    [Fact]
    public void Raw_verification_refuses_wrong_lengths()
    {
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        var message = "hello"u8.ToArray();
        var key = signer.PublicKey.ToArray();
        var sig = signer.Sign(message).ToArray();
        Assert.True(Ed25519Verifier.Verify(key, message, sig));
        Assert.False(Ed25519Verifier.Verify(key[..31], message, sig));
        Assert.False(Ed25519Verifier.Verify([.. key, 0], message, sig));
        Assert.False(Ed25519Verifier.Verify(key, message, sig[..63]));
        Assert.False(Ed25519Verifier.Verify(key, message, [.. sig, 0]));
        Assert.False(Ed25519Verifier.Verify([], message, []));
    }

    [Fact]
    public void Seed_phrase_key_is_reproducible_and_derived_by_sha256()
    {
        var a = Ed25519Signer.FromSeedPhrase("validator-0");
        var b = Ed25519Signer.FromSeedPhrase("validator-0");
        Assert.Equal(a.PublicKey, b.PublicKey);
        Assert.NotEqual(a.PublicKey, Ed25519Signer.FromSeedPhrase("validator-1").PublicKey);
        Assert.Equal(SHA256.HashData("validator-0"u8), a.ExportPrivateSeed());
        Assert.Equal(a.PublicKey, Ed25519Signer.FromSeed(SHA256.HashData("validator-0"u8)).PublicKey);
    }

    [Fact]
    public void Exported_seed_is_a_copy_that_recreates_the_same_key()
    {
        var signer = Ed25519Signer.Generate();
        var seed = signer.ExportPrivateSeed();
        Assert.Equal(32, seed.Length);
        Assert.Equal(signer.PublicKey, Ed25519Signer.FromSeed(seed).PublicKey);
        seed[0] ^= 0xff;
        Assert.NotEqual(seed, signer.ExportPrivateSeed());
        Assert.True(Verifier.Verify(signer.PublicKey, "m"u8, signer.Sign("m"u8)));
    }

    [Fact]
    public void Generate_from_a_seeded_random_is_reproducible_and_from_secure_random_is_not()
    {
        Assert.Equal(Ed25519Signer.Generate(new Random(1)).PublicKey, Ed25519Signer.Generate(new Random(1)).PublicKey);
        Assert.NotEqual(Ed25519Signer.Generate(new Random(1)).PublicKey, Ed25519Signer.Generate(new Random(2)).PublicKey);
        var secure = new SecureRandom();
        Assert.NotEqual(Ed25519Signer.Generate(secure).PublicKey, Ed25519Signer.Generate(secure).PublicKey);
    }

    [Fact]
    public void Seed_of_the_wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Ed25519Signer.FromSeed(new byte[31]));
        Assert.Throws<ArgumentException>(() => Ed25519Signer.FromSeed(new byte[33]));
    }

    [Fact]
    public void Signer_text_shows_the_public_key_but_never_the_seed()
    {
        var signer = Ed25519Signer.FromSeedPhrase("alice");
        var text = signer.ToString();
        Assert.Contains(signer.PublicKey.ToHex(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(signer.ExportPrivateSeed()), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Libsodium_signs_byte_for_byte_as_the_managed_rfc_8032_implementation_and_each_verifies_the_other()
    {
        // Keys and chains signed before the move to libsodium must stay valid: the same seed gives the same key and,
        // Ed25519 being deterministic, the same signature.
        var random = new Random(8032);
        for (var i = 0; i < 200; i++)
        {
            var seed = new byte[Ed25519Signer.SeedSize];
            random.NextBytes(seed);
            var message = new byte[random.Next(0, 600)];
            random.NextBytes(message);
            var signer = Ed25519Signer.FromSeed(seed);

            var managedKey = new byte[PublicKey.Size];
            Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.GeneratePublicKey(seed, 0, managedKey, 0);
            var managedSignature = new byte[Signature.Size];
            Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Sign(seed, 0, managedKey, 0, message, 0, message.Length, managedSignature, 0);

            Assert.Equal(managedKey, signer.PublicKey.ToArray());
            var signature = signer.Sign(message);
            Assert.Equal(managedSignature, signature.ToArray());
            Assert.True(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(signature.ToArray(), 0, managedKey, 0, message, 0, message.Length));
            Assert.True(Verifier.Verify(signer.PublicKey, message, new Signature(managedSignature)));
            if (message.Length > 0)
            {
                message[0] ^= 1;
                Assert.False(Verifier.Verify(signer.PublicKey, message, signature));
            }
        }
    }
}
