using System.Security.Cryptography;
using Fairway.Crypto;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;

namespace Fairway.Ordering.Encrypted;

/// <summary>
/// A validator's key-generation transport key, derived from its signing key file: one secret to keep (the key file,
/// 0600), and the transport key is the same after every restart, so shares dealt to it on the chain stay readable.
/// </summary>
public static class DkgKeys
{
    public static DkgTransportKey TransportKeyOf(Ed25519Signer signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        byte[] seed = [.. "fairway/dkg-transport-seed"u8, .. signer.ExportPrivateSeed()];
        return DkgTransportKey.FromSeed(SHA256.HashData(seed));
    }

    public static bool TryParse(string? hex, out GroupElement key)
    {
        key = default;
        if (hex is null || hex.Length != 2 * GroupElement.Size)
        {
            return false;
        }

        try
        {
            return GroupElement.TryRead(Convert.FromHexString(hex), out key) && !key.IsIdentity;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
