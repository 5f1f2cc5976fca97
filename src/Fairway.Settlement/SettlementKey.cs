using System.Numerics;
using Nethereum.Signer;
using Nethereum.Util;

namespace Fairway.Settlement;

/// <summary>
/// A validator's secp256k1 settlement key: it signs settlement statements the L1 checks with <c>ecrecover</c>, and its
/// address pays the gas of what this validator relays. Signatures are r || s || v (v 27 or 28, s in the lower half of
/// the curve order) over a 32-byte digest as is, which is what the contracts recover.
/// </summary>
public sealed class SettlementKey
{
    public const int SignatureSize = 65;

    private static readonly BigInteger Order = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private static readonly BigInteger HalfOrder = BigInteger.Parse(
        "07FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", System.Globalization.NumberStyles.HexNumber);

    private SettlementKey(EthECKey key)
    {
        Key = key;
        Address = AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress());
    }

    /// <summary>The Nethereum key, for signing L1 transactions from this address.</summary>
    public EthECKey Key { get; }

    /// <summary>The key's L1 address, checksummed.</summary>
    public string Address { get; }

    public static SettlementKey Generate() => new(EthECKey.GenerateKey());

    /// <summary>From a 32-byte private key in hex (0x optional); a malformed key throws <see cref="FormatException"/>.</summary>
    public static SettlementKey FromPrivateKeyHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var trimmed = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        if (trimmed.Length != 64 || !trimmed.All(Uri.IsHexDigit))
        {
            throw new FormatException("a settlement key is 32 bytes of hex");
        }

        try
        {
            return new SettlementKey(new EthECKey(trimmed));
        }
        catch (ArgumentException e)
        {
            // Zero or at least the curve order: 32 bytes of hex that are still no key, as malformed as bad hex.
            throw new FormatException("a settlement key is a number from 1 to the secp256k1 order minus 1", e);
        }
    }

    public string PrivateKeyHex => Key.GetPrivateKey();

    public byte[] Sign(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("a settlement digest is 32 bytes", nameof(digest));
        }

        var signature = Key.SignAndCalculateV(digest.ToArray());
        var result = new byte[SignatureSize];
        Pad32(signature.R).CopyTo(result, 0);
        Pad32(signature.S).CopyTo(result, 32);
        result[64] = signature.V[0];
        return result;
    }

    /// <summary>The checksummed address that signed <paramref name="digest"/>, or null for a malformed or malleable signature, as the contracts decide.</summary>
    public static string? Recover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (digest.Length != 32 || signature.Length != SignatureSize || signature[64] is not (27 or 28))
        {
            return null;
        }

        var s = new BigInteger(signature[32..64], isUnsigned: true, isBigEndian: true);
        if (s > HalfOrder || s.IsZero)
        {
            return null;
        }

        // ecrecover gives no signer for r outside [1, n - 1]; Nethereum instead hands back a key without a point, which throws on use.
        var r = new BigInteger(signature[..32], isUnsigned: true, isBigEndian: true);
        if (r.IsZero || r >= Order)
        {
            return null;
        }

        try
        {
            var sig = EthECDSASignatureFactory.FromComponents(signature[..32].ToArray(), signature[32..64].ToArray(), signature[64]);
            var key = EthECKey.RecoverFromSignature(sig, digest.ToArray());
            return key is null ? null : AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or ArithmeticException)
        {
            return null;
        }
    }

    private static byte[] Pad32(byte[] bytes)
    {
        var word = new byte[32];
        var value = bytes.AsSpan().TrimStart((byte)0);
        value.CopyTo(word.AsSpan(32 - value.Length));
        return word;
    }
}
