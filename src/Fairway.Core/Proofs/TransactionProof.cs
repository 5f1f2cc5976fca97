using Fairway.Core.Encoding;
using Fairway.Core.Merkle;
using Fairway.Core.Output;

namespace Fairway.Core.Proofs;

/// <summary>
/// Proof that one transaction is in a block's ordered output at block-wide position <see cref="Index"/>: a namespaced
/// Merkle inclusion proof of (namespace, hash) against the <see cref="OutputHeader.OutputRoot"/>. Its place within its
/// namespace needs the <see cref="NamespaceProof"/>. Byte layout: docs/PROOFS.md.
/// </summary>
public sealed class TransactionProof : ICanonical, IEquatable<TransactionProof>
{
    public const byte Version = 2;

    public TransactionProof(NamespaceRangeProof inclusion)
    {
        ArgumentNullException.ThrowIfNull(inclusion);
        if (inclusion.RangeLength != 1)
        {
            throw new ArgumentException($"an inclusion proof covers one leaf, this one {inclusion.RangeLength}", nameof(inclusion));
        }

        Inclusion = inclusion;
    }

    public NamespaceRangeProof Inclusion { get; }

    /// <summary>The transaction's position in the block's output (proven once <see cref="Verify"/> holds).</summary>
    public int Index => Inclusion.Start;

    /// <summary>True when <paramref name="transaction"/> is at <see cref="Index"/> of the output <paramref name="header"/> commits to. Never throws.</summary>
    public bool Verify(OutputHeader header, Chain.Transaction transaction) =>
        header is not null
        && transaction is not null
        && Inclusion.LeafCount == header.TransactionCount
        && Inclusion.VerifyInclusion(header.OutputRoot, transaction.Namespace, transaction.Hash);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        Inclusion.Encode(writer);
    }

    public static TransactionProof Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "transaction proof");
        var inclusion = NamespaceRangeProof.Decode(ref reader);
        if (inclusion.RangeLength != 1)
        {
            throw new EncodingException($"transaction proof: the inclusion range covers {inclusion.RangeLength} leaves, not 1");
        }

        return new TransactionProof(inclusion);
    }

    public bool Equals(TransactionProof? other) => other is not null && Inclusion.Equals(other.Inclusion);

    public override bool Equals(object? obj) => Equals(obj as TransactionProof);

    public override int GetHashCode() => Inclusion.GetHashCode();

    public override string ToString() => $"TransactionProof(leaf {Inclusion.Start} of {Inclusion.LeafCount})";
}
