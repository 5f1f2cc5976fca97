using System.Collections.Concurrent;
using Fairway.Core.Crypto;
using NSec.Cryptography;
using PublicKey = Fairway.Core.Crypto.PublicKey;

namespace Fairway.Crypto;

/// <summary>
/// Verifies pure Ed25519 signatures (RFC 8032) through libsodium. Stateless to its callers and thread-safe. Malformed
/// keys or signatures (a point that does not decode, a small-order key, a scalar not below the group order, the wrong
/// length) give <c>false</c>, never an exception. libsodium is stricter than the letter of RFC 8032 on such edge cases
/// (it refuses small-order keys and non-canonical encodings), which no honest signer produces.
/// </summary>
public sealed class Ed25519Verifier : ISignatureVerifier
{
    public static readonly Ed25519Verifier Instance = new();

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    /// <summary>Keys decoded recently: the same few keys (validators, clients) sign almost everything a node checks.</summary>
    private static readonly ConcurrentDictionary<PublicKey, NSec.Cryptography.PublicKey?> Decoded = new();

    /// <summary>Decoded keys kept at most; past it the cache starts over (it only saves decoding).</summary>
    private const int DecodedMax = 8_192;

    public bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, Signature signature)
    {
        if (Decode(publicKey) is not { } key)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Signature.Size];
        signature.CopyTo(bytes);
        return Algorithm.Verify(key, message, bytes);
    }

    /// <summary>Verifies raw bytes from outside; any length other than 32-byte key and 64-byte signature is refused.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        publicKey.Length == PublicKey.Size && signature.Length == Signature.Size
        && Decode(new PublicKey(publicKey)) is { } key && Algorithm.Verify(key, message, signature);

    private static NSec.Cryptography.PublicKey? Decode(PublicKey publicKey)
    {
        if (Decoded.TryGetValue(publicKey, out var cached))
        {
            return cached;
        }

        Span<byte> bytes = stackalloc byte[PublicKey.Size];
        publicKey.CopyTo(bytes);
        var key = NSec.Cryptography.PublicKey.TryImport(Algorithm, bytes, KeyBlobFormat.RawPublicKey, out var imported) ? imported : null;
        if (Decoded.Count >= DecodedMax)
        {
            Decoded.Clear();
        }

        Decoded[publicKey] = key;
        return key;
    }
}
