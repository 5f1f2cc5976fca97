using System.Security.Cryptography;
using Fairway.Core.Crypto;
using NSec.Cryptography;
using PublicKey = Fairway.Core.Crypto.PublicKey;

namespace Fairway.Crypto;

/// <summary>
/// Signs with one Ed25519 key (RFC 8032, pure Ed25519, no context) through libsodium. The key is the 32-byte private
/// seed; it leaves this object only through <see cref="ExportPrivateSeed"/>, so it is never printed by accident.
/// Signatures are deterministic and byte-identical to any RFC 8032 implementation's, so keys and chains signed before
/// stay valid.
/// </summary>
public sealed class Ed25519Signer : ISigner
{
    public const int SeedSize = 32;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly byte[] _seed;

    /// <summary>libsodium's key, held for the signer's life (a signer is made once per key and kept).</summary>
    private readonly Key _key;

    private Ed25519Signer(byte[] seed)
    {
        _seed = seed;
        _key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        PublicKey = new PublicKey(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public PublicKey PublicKey { get; }

    /// <summary>A signer for the given 32-byte private seed. The seed is copied.</summary>
    public static Ed25519Signer FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes, got {seed.Length}", nameof(seed));
        }

        return new Ed25519Signer(seed.ToArray());
    }

    /// <summary>A fresh key from the operating system's cryptographic random source.</summary>
    public static Ed25519Signer Generate()
    {
        var seed = new byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        return new Ed25519Signer(seed);
    }

    /// <summary>
    /// A key drawn from <paramref name="random"/>: a seeded <see cref="Random"/> gives reproducible keys, for tests and
    /// the simulator only. Real keys come from <see cref="Generate()"/>.
    /// </summary>
    public static Ed25519Signer Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var seed = new byte[SeedSize];
        random.NextBytes(seed);
        return new Ed25519Signer(seed);
    }

    /// <summary>
    /// A reproducible key whose seed is SHA-256 of the UTF-8 bytes of <paramref name="phrase"/>. For tests, the
    /// simulator and devnets only: anyone who knows the phrase knows the key.
    /// </summary>
    public static Ed25519Signer FromSeedPhrase(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        return new Ed25519Signer(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(phrase)));
    }

    /// <summary>A copy of the 32-byte private seed, for writing a key file. Handle it as a secret.</summary>
    public byte[] ExportPrivateSeed() => (byte[])_seed.Clone();

    public Signature Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Signature.Size];
        Algorithm.Sign(_key, message, signature);
        return new Signature(signature);
    }

    /// <summary>Names the public key only; the seed never appears in logs.</summary>
    public override string ToString() => $"Ed25519Signer({PublicKey.ToHex()})";
}
