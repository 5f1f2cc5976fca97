namespace Fairway.Core.Crypto;

/// <summary>Holds one private key and signs with it. The key never leaves the implementation.</summary>
public interface ISigner
{
    PublicKey PublicKey { get; }

    Signature Sign(ReadOnlySpan<byte> message);
}
