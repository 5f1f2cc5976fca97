using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Validators;

namespace Fairway.Ordering.Encrypted;

/// <summary>
/// A dealing or a complaint as a transaction in the key-generation namespace, signed by the validator it comes from:
/// the chain orders these like any transaction, and the signature is what makes a dealing dealer j's (a dealing itself
/// is unsigned, so without it anyone could deal, or complain, in a validator's name).
/// </summary>
public sealed record DkgMessage(byte Kind, ushort Validator, byte[] Body, Signature Signature) : ICanonical
{
    public const byte Version = 1;
    public const byte DealingKind = 1;
    public const byte ComplaintKind = 2;

    /// <summary>Bounded by the transaction payload limit; a dealing for 256 validators is about 17 KB.</summary>
    public const int BodyMax = 96 * 1024;

    public static DkgMessage Sign(Hash chainId, byte kind, ushort validator, byte[] body, ISigner signer)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(signer);
        return new DkgMessage(kind, validator, body, signer.Sign(SigningDomain.DkgMessage(chainId, kind, validator, Hash.Compute(body))));
    }

    /// <summary>Null when signed by the validator it names; otherwise why not (one of a few fixed reasons, counted by the caller).</summary>
    public string? Check(Hash chainId, ValidatorSet validators, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(verifier);
        if (Kind is not (DealingKind or ComplaintKind))
        {
            return "unknown message kind";
        }

        if (Validator >= validators.Count)
        {
            return "signer is not a validator";
        }

        return verifier.Verify(validators[Validator].PublicKey, SigningDomain.DkgMessage(chainId, Kind, Validator, Hash.Compute(Body)), Signature)
            ? null
            : "bad signature";
    }

    public Transaction ToTransaction() => new(SystemNamespaces.Dkg, Canonical.Encode(this));

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU8(Kind);
        writer.WriteU16(Validator);
        writer.WriteBytes(Body);
        writer.WriteSignature(Signature);
    }

    public static DkgMessage Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "key-generation message");
        var kind = reader.ReadU8("key-generation message kind");
        var validator = reader.ReadU16("key-generation message validator");
        var body = reader.ReadBytes(BodyMax, "key-generation message body").ToArray();
        return new DkgMessage(kind, validator, body, reader.ReadSignature("key-generation message signature"));
    }
}
