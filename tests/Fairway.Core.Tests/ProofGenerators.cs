using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Merkle;
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

    public static Gen<NamespaceProofBatch> ProofBatch =>
        from header in BatchHeader
        from range in RangeProof(Limits.TransactionsPerBatchMax, 4)
        from hashes in Gen.ArrayOf(Generators.Hash, range.RangeLength)
        select new NamespaceProofBatch(header, range, hashes);

    public static Gen<NamespaceProof> NamespaceProof =>
        from ns in Generators.U64
        from count in Gen.Choose(0, 3)
        from batches in Gen.ArrayOf(ProofBatch, count)
        select new NamespaceProof(ns, batches);

    public static Gen<TransactionProof> TransactionProof =>
        from index in Gen.Choose(0, Limits.BatchDigestsPerBlockMax - 1)
        from header in BatchHeader
        from inclusion in RangeProof(Limits.TransactionsPerBatchMax, 1, rangeMin: 1)
        select new TransactionProof(index, header, inclusion);
}
