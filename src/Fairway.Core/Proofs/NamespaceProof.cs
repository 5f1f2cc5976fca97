using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;

namespace Fairway.Core.Proofs;

/// <summary>
/// What one batch of a block contributes to a <see cref="NamespaceProof"/>: the batch's header, the namespaced Merkle
/// range proof for the namespace against the header's root, and the transaction hashes of that range (the batch's
/// transactions of the namespace in batch order, duplicates included).
/// </summary>
public sealed class NamespaceProofBatch : IEquatable<NamespaceProofBatch>
{
    private readonly Hash[] _transactionHashes;

    public NamespaceProofBatch(BatchHeader header, NamespaceRangeProof range, IReadOnlyList<Hash> transactionHashes)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(transactionHashes);
        if (transactionHashes.Count != range.RangeLength)
        {
            throw new ArgumentException($"the range covers {range.RangeLength} leaves, got {transactionHashes.Count} hashes", nameof(transactionHashes));
        }

        Header = header;
        Range = range;
        _transactionHashes = [.. transactionHashes];
    }

    public BatchHeader Header { get; }

    public NamespaceRangeProof Range { get; }

    public IReadOnlyList<Hash> TransactionHashes => _transactionHashes;

    public bool Equals(NamespaceProofBatch? other) =>
        other is not null && Header.Equals(other.Header) && Range.Equals(other.Range)
        && _transactionHashes.AsSpan().SequenceEqual(other._transactionHashes);

    public override bool Equals(object? obj) => Equals(obj as NamespaceProofBatch);

    public override int GetHashCode() => HashCode.Combine(Header, Range);
}

/// <summary>
/// Proof that a list of transactions is EXACTLY namespace <see cref="Namespace"/>'s transactions in one block, in the
/// order the node serves them: none left out, none added, none reordered. It holds one entry per batch digest of the
/// block, in the block's order (see <see cref="NamespaceProofBatch"/>).
/// <para>
/// The order it proves is first come, first served within the block: batches in the block's digest order,
/// transactions in batch order, and a transaction whose hash already appeared earlier in the same block is dropped
/// (the first is kept). Verification trusts only the <see cref="Block"/>; check the block itself against a quorum
/// certificate with <see cref="CertifiedHeaderVerifier"/>.
/// </para>
/// </summary>
public sealed class NamespaceProof : ICanonical, IEquatable<NamespaceProof>
{
    public const byte Version = 1;

    /// <summary>Most transaction hashes one proof carries, over all its batches (32 MiB of hashes).</summary>
    public const int TransactionHashesMax = 1 << 20;

    private readonly NamespaceProofBatch[] _batches;

    public NamespaceProof(ulong @namespace, IReadOnlyList<NamespaceProofBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count > Limits.BatchDigestsPerBlockMax)
        {
            throw new ArgumentException($"at most {Limits.BatchDigestsPerBlockMax} batches", nameof(batches));
        }

        var total = 0L;
        foreach (var b in batches)
        {
            ArgumentNullException.ThrowIfNull(b, nameof(batches));
            total += b.TransactionHashes.Count;
        }

        if (total > TransactionHashesMax)
        {
            throw new ArgumentException($"at most {TransactionHashesMax} transaction hashes in one proof, got {total}", nameof(batches));
        }

        Namespace = @namespace;
        _batches = [.. batches];
    }

    public ulong Namespace { get; }

    public IReadOnlyList<NamespaceProofBatch> Batches => _batches;

    /// <summary>
    /// The proof for namespace <paramref name="ns"/> of <paramref name="block"/>, whose batches are given in the block's
    /// digest order (batch i must have digest <c>block.BatchDigests[i]</c>).
    /// </summary>
    public static NamespaceProof Build(Block block, IReadOnlyList<Batch> batchesInBlockOrder, ulong ns) =>
        new BlockProofBuilder(block, batchesInBlockOrder).ForNamespace(ns);

    /// <summary>
    /// True when <paramref name="transactions"/> are exactly namespace <paramref name="ns"/>'s transactions of
    /// <paramref name="block"/>, in order. Answers false, never throws, for any proof or list that does not match.
    /// </summary>
    public bool Verify(Block block, ulong ns, IReadOnlyList<Transaction> transactions)
    {
        if (transactions is null || ProvenHashes(block, ns) is not { } expected || transactions.Count != expected.Count)
        {
            return false;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var tx = transactions[i];
            if (tx is null || tx.Namespace != ns || tx.Hash != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The hashes of namespace <paramref name="ns"/>'s transactions in <paramref name="block"/>, in their committed order,
    /// as this proof proves them; null when the proof does not hold for the block. A transaction's position in this
    /// list is its verified index within its namespace at that height.
    /// </summary>
    public IReadOnlyList<Hash>? ProvenHashes(Block block, ulong ns)
    {
        if (block is null || ns != Namespace || _batches.Length != block.BatchDigests.Count)
        {
            return null;
        }

        var expected = new List<Hash>();
        var seen = new HashSet<Hash>();
        for (var i = 0; i < _batches.Length; i++)
        {
            var entry = _batches[i];
            if (entry.Header.Hash != block.BatchDigests[i]
                || entry.Range.LeafCount != entry.Header.TransactionCount
                || !entry.Range.VerifyNamespace(entry.Header.NamespaceRoot, ns, entry.TransactionHashes))
            {
                return null;
            }

            foreach (var h in entry.TransactionHashes)
            {
                if (seen.Add(h))
                {
                    expected.Add(h);
                }
            }
        }

        return expected;
    }

    internal static void CheckBatchesMatch(Block block, IReadOnlyList<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count != block.BatchDigests.Count)
        {
            throw new ArgumentException($"the block lists {block.BatchDigests.Count} batches, got {batches.Count}", nameof(batches));
        }

        for (var i = 0; i < batches.Count; i++)
        {
            if (batches[i] is null || batches[i].Digest != block.BatchDigests[i])
            {
                throw new ArgumentException($"batch {i} is not the block's batch {block.BatchDigests[i].ToHex()[..8]}", nameof(batches));
            }
        }
    }

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Namespace);
        writer.WriteCount(_batches.Length);
        foreach (var b in _batches)
        {
            b.Header.Encode(writer);
            b.Range.Encode(writer);
            foreach (var h in b.TransactionHashes)
            {
                writer.WriteHash(h);
            }
        }
    }

    /// <summary>Reads a proof. Each batch's hash count is its range's length, bounded by the header's count and the proof's total.</summary>
    public static NamespaceProof Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "namespace proof");
        var ns = reader.ReadU64("namespace proof namespace");
        var count = reader.ReadCount(Limits.BatchDigestsPerBlockMax, "namespace proof batches");
        var batches = new NamespaceProofBatch[count];
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            var header = BatchHeader.Decode(ref reader);
            var range = NamespaceRangeProof.Decode(ref reader);
            if (range.LeafCount > Limits.TransactionsPerBatchMax)
            {
                throw new EncodingException($"namespace proof: a range over {range.LeafCount} leaves exceeds the batch limit {Limits.TransactionsPerBatchMax}");
            }

            total += range.RangeLength;
            if (total > TransactionHashesMax || range.RangeLength * Hash.Size > reader.Remaining)
            {
                throw new EncodingException($"namespace proof: {range.RangeLength} transaction hashes do not fit the input or the limit {TransactionHashesMax}");
            }

            var hashes = new Hash[range.RangeLength];
            for (var j = 0; j < hashes.Length; j++)
            {
                hashes[j] = reader.ReadHash("namespace proof transaction hash");
            }

            batches[i] = new NamespaceProofBatch(header, range, hashes);
        }

        return new NamespaceProof(ns, batches);
    }

    public bool Equals(NamespaceProof? other) =>
        other is not null && Namespace == other.Namespace && _batches.AsSpan().SequenceEqual(other._batches);

    public override bool Equals(object? obj) => Equals(obj as NamespaceProof);

    public override int GetHashCode() => HashCode.Combine(Namespace, _batches.Length);

    public override string ToString() => $"NamespaceProof(ns {Namespace}, {_batches.Length} batches)";
}
