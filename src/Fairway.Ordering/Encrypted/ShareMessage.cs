using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;
using Fairway.Crypto.Threshold;

namespace Fairway.Ordering.Encrypted;

/// <summary>
/// A validator's decryption shares for the ciphertexts of one committed height, signed: a share's proof shows whether it
/// is right, the signature shows who sent it, so a wrong share is evidence anyone can check against its sender.
/// <see cref="Request"/> asks peers that have already finished the height to send theirs again (a validator that
/// restarted mid-decryption).
/// </summary>
public sealed record ShareMessage(ushort Validator, ulong Height, bool Request, IReadOnlyList<DecryptionShare> Shares, Signature Signature) : ICanonical
{
    public const byte Version = 1;

    /// <summary>At most one share per ciphertext, and a block holds no more ciphertexts than this.</summary>
    public const int SharesMax = 65_536;

    public static ShareMessage Sign(Hash chainId, ushort validator, ulong height, bool request, IReadOnlyList<DecryptionShare> shares, ISigner signer)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(signer);
        return new ShareMessage(validator, height, request, shares, signer.Sign(SigningDomain.DecryptionSharesMessage(chainId, validator, height, HashOf(shares))));
    }

    /// <summary>Null when signed by the validator it names; otherwise why not.</summary>
    public string? Check(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        if (Validator >= validators.Count)
        {
            return "signer is not a validator";
        }

        return verifier.Verify(validators[Validator].PublicKey, SigningDomain.DecryptionSharesMessage(chainId, Validator, Height, HashOf(Shares)), Signature)
            ? null
            : "bad signature";
    }

    /// <summary>The signature covers the shares, not the request flag: a relayed message may drop the request, never alter a share.</summary>
    private static Hash HashOf(IReadOnlyList<DecryptionShare> shares) => Hash.Compute(DecryptionShare.EncodeList(shares));

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU16(Validator);
        writer.WriteU64(Height);
        writer.WriteBool(Request);
        writer.WriteRaw(DecryptionShare.EncodeList(Shares));
        writer.WriteSignature(Signature);
    }

    public static ShareMessage Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "decryption shares");
        var validator = reader.ReadU16("decryption shares validator");
        var height = reader.ReadU64("decryption shares height");
        var request = reader.ReadBool("decryption shares request");
        var count = reader.ReadCount(SharesMax, "decryption shares");
        var shares = new DecryptionShare[count];
        for (var i = 0; i < count; i++)
        {
            shares[i] = DecryptionShare.Decode(ref reader);
        }

        return new ShareMessage(validator, height, request, shares, reader.ReadSignature("decryption shares signature"));
    }
}
