using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Proofs;

/// <summary>
/// Proof that one transaction is in a block: the position <see cref="BatchIndex"/> of a batch in the block's digest
/// list, that batch's <see cref="BatchHeader"/>, and the namespaced Merkle inclusion proof of (namespace, hash) under
/// the header's root. It proves membership only, not the transaction's place in its namespace's stream (use
/// <see cref="NamespaceProof"/> for that).
/// </summary>
public sealed class TransactionProof : ICanonical, IEquatable<TransactionProof>
{
    public const byte Version = 1;

    public TransactionProof(int batchIndex, BatchHeader header, NamespaceRangeProof inclusion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batchIndex, Limits.BatchDigestsPerBlockMax);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(inclusion);
        if (inclusion.RangeLength != 1)
        {
            throw new ArgumentException($"an inclusion proof covers one leaf, this one {inclusion.RangeLength}", nameof(inclusion));
        }

        BatchIndex = batchIndex;
        Header = header;
        Inclusion = inclusion;
    }

    public int BatchIndex { get; }

    public BatchHeader Header { get; }

    public NamespaceRangeProof Inclusion { get; }

    /// <summary>
    /// The proof for the first occurrence of <paramref name="transactionHash"/> in <paramref name="block"/> (batches in
    /// the block's digest order), or null when the block does not hold it.
    /// </summary>
    public static TransactionProof? Build(Block block, IReadOnlyList<Batch> batchesInBlockOrder, Hash transactionHash) =>
        new BlockProofBuilder(block, batchesInBlockOrder).ForTransaction(transactionHash);

    /// <summary>True when <paramref name="transaction"/> is in <paramref name="block"/>. Answers false, never throws, on a mismatch.</summary>
    public bool Verify(Block block, Transaction transaction) =>
        block is not null
        && transaction is not null
        && BatchIndex < block.BatchDigests.Count
        && Header.Hash == block.BatchDigests[BatchIndex]
        && Inclusion.LeafCount == Header.TransactionCount
        && Inclusion.VerifyInclusion(Header.NamespaceRoot, transaction.Namespace, transaction.Hash);

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU32((uint)BatchIndex);
        Header.Encode(writer);
        Inclusion.Encode(writer);
    }

    public static TransactionProof Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "transaction proof");
        var index = reader.ReadU32("transaction proof batch index");
        if (index >= Limits.BatchDigestsPerBlockMax)
        {
            throw new EncodingException($"transaction proof: batch index {index} not below {Limits.BatchDigestsPerBlockMax}");
        }

        var header = BatchHeader.Decode(ref reader);
        var inclusion = NamespaceRangeProof.Decode(ref reader);
        if (inclusion.RangeLength != 1)
        {
            throw new EncodingException($"transaction proof: the inclusion range covers {inclusion.RangeLength} leaves, not 1");
        }

        return new TransactionProof((int)index, header, inclusion);
    }

    public bool Equals(TransactionProof? other) =>
        other is not null && BatchIndex == other.BatchIndex && Header.Equals(other.Header) && Inclusion.Equals(other.Inclusion);

    public override bool Equals(object? obj) => Equals(obj as TransactionProof);

    public override int GetHashCode() => HashCode.Combine(BatchIndex, Header);

    public override string ToString() => $"TransactionProof(batch {BatchIndex}, leaf {Inclusion.Start} of {Inclusion.LeafCount})";
}
