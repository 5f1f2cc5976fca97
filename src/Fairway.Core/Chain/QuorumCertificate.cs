using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>One validator's signature inside a certificate.</summary>
public readonly record struct SignerSignature(ushort Signer, Signature Signature);

/// <summary>
/// Proof that validators holding a quorum of stake voted for <see cref="BlockHash"/> in <see cref="Round"/>.
/// Signers are kept in strictly ascending order so a certificate has one canonical encoding and no duplicate signer.
/// The genesis certificate (round 0, no signers) certifies the genesis block by definition.
/// </summary>
public sealed class QuorumCertificate : ICanonical, IEquatable<QuorumCertificate>
{
    public const byte Version = 1;

    public QuorumCertificate(ulong round, Hash blockHash, IReadOnlyList<SignerSignature> signatures)
    {
        Round = round;
        BlockHash = blockHash;
        Signatures = SignerSignatures.CopyAscending(signatures, nameof(signatures));
    }

    public ulong Round { get; }

    public Hash BlockHash { get; }

    public IReadOnlyList<SignerSignature> Signatures { get; }

    public bool IsGenesis => Round == 0 && Signatures.Count == 0;

    public static QuorumCertificate Genesis(Hash genesisBlockHash) => new(0, genesisBlockHash, []);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Round);
        writer.WriteHash(BlockHash);
        SignerSignatures.Write(writer, Signatures);
    }

    public static QuorumCertificate Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "quorum certificate");
        var round = reader.ReadU64("qc round");
        var blockHash = reader.ReadHash("qc block hash");
        var signatures = SignerSignatures.Read(ref reader, "qc", "quorum certificate");
        return new QuorumCertificate(round, blockHash, signatures);
    }

    public bool Equals(QuorumCertificate? other) =>
        other is not null && Round == other.Round && BlockHash == other.BlockHash && Signatures.SequenceEqual(other.Signatures);

    public override bool Equals(object? obj) => Equals(obj as QuorumCertificate);

    public override int GetHashCode() => HashCode.Combine(Round, BlockHash);

    public override string ToString() => $"QC(r{Round}, {BlockHash.ToHex()[..8]}, {Signatures.Count} sigs)";
}
