namespace Fairway.Core.Crypto;

/// <summary>Checks signatures. Implementations must be pure: the same inputs always give the same answer.</summary>
public interface ISignatureVerifier
{
    bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, Signature signature);
}
