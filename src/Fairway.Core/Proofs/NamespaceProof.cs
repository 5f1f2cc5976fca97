using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Merkle;
using Fairway.Core.Output;

namespace Fairway.Core.Proofs;

/// <summary>
/// Proof that a list of transactions is EXACTLY namespace <see cref="Namespace"/>'s part of one block's ordered output,
/// in output order: none left out, none added, none reordered. It is a namespaced Merkle range proof against the
/// <see cref="OutputHeader.OutputRoot"/>, with the transaction hashes of the range. The order is the one the ordering
/// stage fixed and the validators certified; nothing here re-derives it. Check the header itself with
/// <see cref="OutputCertificateVerifier"/> first. Byte layout: docs/PROOFS.md.
/// </summary>
public sealed class NamespaceProof : ICanonical, IEquatable<NamespaceProof>
{
    public const byte Version = 2;

    /// <summary>Most transaction hashes one proof carries (32 MiB of hashes).</summary>
    public const int TransactionHashesMax = 1 << 20;

    private readonly Hash[] _transactionHashes;

    public NamespaceProof(ulong @namespace, NamespaceRangeProof range, IReadOnlyList<Hash> transactionHashes)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(transactionHashes);
        if (transactionHashes.Count != range.RangeLength || transactionHashes.Count > TransactionHashesMax)
        {
            throw new ArgumentException($"the range covers {range.RangeLength} leaves, got {transactionHashes.Count} hashes (at most {TransactionHashesMax})", nameof(transactionHashes));
        }

        Namespace = @namespace;
        Range = range;
        _transactionHashes = [.. transactionHashes];
    }

    public ulong Namespace { get; }

    public NamespaceRangeProof Range { get; }

    public IReadOnlyList<Hash> TransactionHashes => _transactionHashes;

    /// <summary>
    /// True when <paramref name="transactions"/> are exactly namespace <paramref name="ns"/>'s part of the output that
    /// <paramref name="header"/> commits to, in order. Answers false, never throws, for any proof or list that does not match.
    /// </summary>
    public bool Verify(OutputHeader header, ulong ns, IReadOnlyList<Chain.Transaction> transactions)
    {
        if (transactions is null || ProvenHashes(header, ns) is not { } expected || transactions.Count != expected.Count)
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
    /// The hashes of namespace <paramref name="ns"/>'s transactions in the output, in output order, or null when the proof
    /// does not hold for <paramref name="header"/>. Position i here is the transaction's index within its namespace; its
    /// block-wide index is <c>Range.Start + i</c>.
    /// </summary>
    public IReadOnlyList<Hash>? ProvenHashes(OutputHeader header, ulong ns) =>
        header is not null && ns == Namespace && Range.LeafCount == header.TransactionCount
        && Range.VerifyNamespace(header.OutputRoot, ns, _transactionHashes)
            ? _transactionHashes
            : null;

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Namespace);
        Range.Encode(writer);
        foreach (var h in _transactionHashes)
        {
            writer.WriteHash(h);
        }
    }

    /// <summary>Reads a proof; the hash count is the range's length, bounded by the limit and by the input's size.</summary>
    public static NamespaceProof Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "namespace proof");
        var ns = reader.ReadU64("namespace proof namespace");
        var range = NamespaceRangeProof.Decode(ref reader);
        if (range.RangeLength > TransactionHashesMax || (long)range.RangeLength * Hash.Size > reader.Remaining)
        {
            throw new EncodingException($"namespace proof: {range.RangeLength} transaction hashes do not fit the input or the limit {TransactionHashesMax}");
        }

        var hashes = new Hash[range.RangeLength];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = reader.ReadHash("namespace proof transaction hash");
        }

        return new NamespaceProof(ns, range, hashes);
    }

    public bool Equals(NamespaceProof? other) =>
        other is not null && Namespace == other.Namespace && Range.Equals(other.Range)
        && _transactionHashes.AsSpan().SequenceEqual(other._transactionHashes);

    public override bool Equals(object? obj) => Equals(obj as NamespaceProof);

    public override int GetHashCode() => HashCode.Combine(Namespace, Range);

    public override string ToString() => $"NamespaceProof(ns {Namespace}, {Range})";
}
