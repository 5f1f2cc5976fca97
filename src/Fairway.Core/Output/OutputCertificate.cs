using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Output;

/// <summary>
/// Signatures of validators holding more than the faulty stake (f+1 of n equal stakes) on one output header: at least
/// one signer is honest, and an honest validator signs only the output it computed itself from a committed block, so
/// the header is the block's true output. Signers strictly ascending, one canonical encoding.
/// </summary>
public sealed class OutputCertificate : ICanonical, IEquatable<OutputCertificate>
{
    public const byte Version = 1;

    public OutputCertificate(ulong height, Hash headerHash, IReadOnlyList<SignerSignature> signatures)
    {
        Height = height;
        HeaderHash = headerHash;
        Signatures = SignerSignatures.CopyAscending(signatures, nameof(signatures));
    }

    public ulong Height { get; }

    public Hash HeaderHash { get; }

    public IReadOnlyList<SignerSignature> Signatures { get; }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Height);
        writer.WriteHash(HeaderHash);
        SignerSignatures.Write(writer, Signatures);
    }

    public static OutputCertificate Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "output certificate");
        var height = reader.ReadU64("output certificate height");
        var headerHash = reader.ReadHash("output certificate header hash");
        var signatures = SignerSignatures.Read(ref reader, "output certificate", "output certificate");
        return new OutputCertificate(height, headerHash, signatures);
    }

    public bool Equals(OutputCertificate? other) =>
        other is not null && Height == other.Height && HeaderHash == other.HeaderHash && Signatures.SequenceEqual(other.Signatures);

    public override bool Equals(object? obj) => Equals(obj as OutputCertificate);

    public override int GetHashCode() => HashCode.Combine(Height, HeaderHash);

    public override string ToString() => $"OutputCertificate(h{Height}, {HeaderHash.ToHex()[..8]}, {Signatures.Count} sigs)";
}
