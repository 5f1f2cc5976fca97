using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Core.Chain;

/// <summary>
/// The signer list every certificate of single-statement signatures shares (quorum certificates, output certificates):
/// signers strictly ascending, so there is one canonical encoding and no repeated signer; encoded as a count then
/// (u16 signer, signature) pairs; verified by summing the stake of valid signatures over one message.
/// </summary>
internal static class SignerSignatures
{
    /// <summary>A copy of <paramref name="signatures"/>, checked ascending: the certificate must not change if the caller's list does.</summary>
    public static SignerSignature[] CopyAscending(IReadOnlyList<SignerSignature> signatures, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(signatures, parameterName);
        var copy = signatures.ToArray();
        for (var i = 1; i < copy.Length; i++)
        {
            if (copy[i].Signer <= copy[i - 1].Signer)
            {
                throw new ArgumentException("certificate signers must be strictly ascending", parameterName);
            }
        }

        return copy;
    }

    public static void Write(CanonicalWriter writer, IReadOnlyList<SignerSignature> signatures)
    {
        writer.WriteCount(signatures.Count);
        foreach (var s in signatures)
        {
            writer.WriteU16(s.Signer);
            writer.WriteSignature(s.Signature);
        }
    }

    /// <param name="label">Prefix of the field names in decoding errors (<c>qc</c>, <c>output certificate</c>).</param>
    /// <param name="certificate">The certificate's name in the ordering error.</param>
    public static SignerSignature[] Read(ref CanonicalReader reader, string label, string certificate)
    {
        var count = reader.ReadCount(Limits.SignersMax, $"{label} signatures");
        var signatures = new SignerSignature[count];
        for (var i = 0; i < count; i++)
        {
            var signer = reader.ReadU16($"{label} signer");
            if (i > 0 && signer <= signatures[i - 1].Signer)
            {
                throw new EncodingException($"{certificate}: signers not strictly ascending");
            }

            signatures[i] = new SignerSignature(signer, reader.ReadSignature($"{label} signature"));
        }

        return signatures;
    }

    /// <summary>
    /// The stake of <paramref name="signatures"/>, each a known validator in ascending order with a valid signature
    /// over <paramref name="message"/>; false with a reason at the first that is not.
    /// </summary>
    /// <param name="kind">What was signed, for the reason (<c>vote</c>, <c>output</c>).</param>
    public static bool TryStake(
        ValidatorSet validators, ISignatureVerifier verifier, IReadOnlyList<SignerSignature> signatures, byte[] message, string kind,
        out ulong stake, out string reason)
    {
        stake = 0;
        var previous = -1;
        foreach (var s in signatures)
        {
            if (s.Signer <= previous || !validators.Contains(s.Signer))
            {
                reason = $"signer {s.Signer} is unknown or repeated";
                return false;
            }

            previous = s.Signer;
            if (!verifier.Verify(validators[s.Signer].PublicKey, message, s.Signature))
            {
                reason = $"bad {kind} signature from validator {s.Signer}";
                return false;
            }

            stake += validators.StakeOf(s.Signer);
        }

        reason = "";
        return true;
    }
}
