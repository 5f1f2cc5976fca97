using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Merkle;
using Fairway.Core.Output;
using Fairway.Core.Proofs;
using FsCheck;
using FsCheck.Fluent;

namespace Fairway.Core.Tests;

/// <summary>FsCheck generators for the proof types: well-formed shapes, not necessarily proofs that verify.</summary>
internal static class ProofGenerators
{
    public static Gen<BatchHeader> BatchHeader =>
        from chainId in Generators.Hash
        from author in Gen.Choose(0, ushort.MaxValue)
        from sequence in Generators.U64
        from count in Gen.Choose(0, Limits.TransactionsPerBatchMax)
        from root in Generators.Hash
        select new BatchHeader(chainId, (ushort)author, sequence, count, root);

    public static Gen<NamespacedNode> Node =>
        from a in Generators.U64
        from b in Generators.U64
        from digest in Generators.Hash
        select new NamespacedNode(Math.Min(a, b), Math.Max(a, b), digest);

    /// <summary>A range proof whose range covers at most <paramref name="rangeMax"/> leaves of at most <paramref name="leafCountMax"/>.</summary>
    public static Gen<NamespaceRangeProof> RangeProof(int leafCountMax, int rangeMax, int rangeMin = 0) =>
        from leafCount in Gen.Choose(rangeMin, leafCountMax)
        from start in Gen.Choose(0, leafCount - rangeMin)
        from length in Gen.Choose(rangeMin, Math.Min(rangeMax, leafCount - start))
        from siblingCount in Gen.Choose(0, 8)
        from siblings in Gen.ArrayOf(Node, siblingCount)
        select new NamespaceRangeProof(leafCount, start, start + length, siblings);

    public static Gen<NamespaceProof> NamespaceProof =>
        from ns in Generators.U64
        from range in RangeProof(int.MaxValue, 4)
        from hashes in Gen.ArrayOf(Generators.Hash, range.RangeLength)
        select new NamespaceProof(ns, range, hashes);

    public static Gen<TransactionProof> TransactionProof =>
        from inclusion in RangeProof(int.MaxValue, 1, rangeMin: 1)
        select new TransactionProof(inclusion);

    public static Gen<OutputHeader> OutputHeader =>
        from chainId in Generators.Hash
        from height in Gen.Choose(1, int.MaxValue)
        from block in Generators.Hash
        from previous in Generators.Hash
        from count in Gen.Choose(0, int.MaxValue)
        from root in Generators.Hash
        select new OutputHeader(chainId, (ulong)height, block, previous, count, root);

    public static Gen<OutputCertificate> OutputCertificate =>
        from height in Generators.U64
        from header in Generators.Hash
        from count in Gen.Choose(0, 5)
        from signers in Gen.ArrayOf(Gen.Choose(0, 200), count)
        from signature in Generators.Signature
        select new OutputCertificate(height, header, [.. signers.Distinct().Order().Select(s => new SignerSignature((ushort)s, signature))]);
}
