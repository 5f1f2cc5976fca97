using System.Buffers;
using System.Security.Cryptography;
using Fairway.Core.Crypto;

namespace Fairway.Simulation;

/// <summary>
/// A stand-in signature scheme for simulation only: the "signature" is a SHA-256 of the public key and the message,
/// so anyone could forge it. The simulator's adversaries only ever sign with their own keys, so forgery is not part of
/// the model, and this makes a simulated round about a hundred times cheaper than Ed25519. Runs with
/// <see cref="SimulationOptions.RealCrypto"/> use Ed25519 instead.
/// </summary>
public sealed class KeyedHashSigner(PublicKey publicKey) : ISigner
{
    public PublicKey PublicKey { get; } = publicKey;

    public Signature Sign(ReadOnlySpan<byte> message) => KeyedHashVerifier.Compute(PublicKey, message);

    public static KeyedHashSigner FromName(string name) =>
        new(new PublicKey(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("sim-key:" + name))));
}

public sealed class KeyedHashVerifier : ISignatureVerifier
{
    public static readonly KeyedHashVerifier Instance = new();

    public bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, Signature signature) =>
        Compute(publicKey, message) == signature;

    internal static Signature Compute(PublicKey publicKey, ReadOnlySpan<byte> message)
    {
        // One-shot hashing over a copied buffer: creating an incremental hasher per signature cost more than the hash.
        var length = PublicKey.Size + message.Length;
        var rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var buffer = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        publicKey.CopyTo(buffer);
        message.CopyTo(buffer[PublicKey.Size..]);
        Span<byte> signature = stackalloc byte[Signature.Size];
        SHA256.HashData(buffer, signature);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        signature[..Hash.Size].CopyTo(signature[Hash.Size..]);
        return new Signature(signature);
    }
}
