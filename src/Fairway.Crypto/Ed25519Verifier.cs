using Fairway.Core.Crypto;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Fairway.Crypto;

/// <summary>
/// Verifies pure Ed25519 signatures (RFC 8032). Stateless and thread-safe. Malformed keys or signatures (a point
/// that does not decode, a scalar not below the group order, the wrong length) give <c>false</c>, never an exception.
/// </summary>
public sealed class Ed25519Verifier : ISignatureVerifier
{
    public static readonly Ed25519Verifier Instance = new();

    public bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, Signature signature) =>
        VerifyCore(publicKey.ToArray(), message, signature.ToArray());

    /// <summary>Verifies raw bytes from outside; any length other than 32-byte key and 64-byte signature is refused.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKey.Size || signature.Length != Signature.Size)
        {
            return false;
        }

        return VerifyCore(publicKey.ToArray(), message, signature.ToArray());
    }

    private static bool VerifyCore(byte[] publicKey, ReadOnlySpan<byte> message, byte[] signature)
    {
        var m = message.ToArray();
        try
        {
            return Rfc8032.Verify(signature, 0, publicKey, 0, m, 0, m.Length);
        }
        catch (ArgumentException)
        {
            // BouncyCastle signals some malformed encodings by throwing; to a caller they are just invalid.
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
