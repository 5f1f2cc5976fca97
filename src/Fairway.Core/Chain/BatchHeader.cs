using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Chain;

/// <summary>
/// What a block commits to for each batch: who made it, its number, how many transactions it holds and the
/// <see cref="NamespacedMerkleTree"/> root over them. <see cref="Hash"/> (SHA-256 of the canonical encoding) is the
/// batch's digest, so a rollup holding a block and a header can check namespace proofs without the whole batch.
/// </summary>
public sealed class BatchHeader : ICanonical, IEquatable<BatchHeader>
{
    public const byte Version = 1;

    private CachedHash _hash;

    public BatchHeader(Hash chainId, ushort author, ulong sequence, int transactionCount, Hash namespaceRoot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(transactionCount, Limits.TransactionsPerBatchMax);
        ChainId = chainId;
        Author = author;
        Sequence = sequence;
        TransactionCount = transactionCount;
        NamespaceRoot = namespaceRoot;
    }

    public Hash ChainId { get; }

    public ushort Author { get; }

    public ulong Sequence { get; }

    public int TransactionCount { get; }

    /// <summary>Root of the namespaced Merkle tree over the batch's (namespace, transaction hash) leaves.</summary>
    public Hash NamespaceRoot { get; }

    /// <summary>SHA-256 of the canonical encoding: the batch digest that blocks list.</summary>
    public Hash Hash => _hash.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteHash(ChainId);
        writer.WriteU16(Author);
        writer.WriteU64(Sequence);
        writer.WriteCount(TransactionCount);
        writer.WriteHash(NamespaceRoot);
    }

    public static BatchHeader Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "batch header");
        var chainId = reader.ReadHash("batch header chain id");
        var author = reader.ReadU16("batch header author");
        var sequence = reader.ReadU64("batch header sequence");
        var count = reader.ReadCount(Limits.TransactionsPerBatchMax, "batch header transactions");
        var root = reader.ReadHash("batch header namespace root");
        return new BatchHeader(chainId, author, sequence, count, root);
    }

    public bool Equals(BatchHeader? other) =>
        other is not null && ChainId == other.ChainId && Author == other.Author && Sequence == other.Sequence
        && TransactionCount == other.TransactionCount && NamespaceRoot == other.NamespaceRoot;

    public override bool Equals(object? obj) => Equals(obj as BatchHeader);

    public override int GetHashCode() => HashCode.Combine(Author, Sequence, NamespaceRoot);

    public override string ToString() => $"BatchHeader({Author}#{Sequence}, {TransactionCount} txs, {Hash.ToHex()[..8]})";
}
