using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Merkle;

namespace Fairway.Core.Proofs;

/// <summary>
/// Builds proofs for one block, computing each batch's namespaced Merkle tree once, when first needed: keep one per
/// block (for instance beside a recently committed block) when serving proofs for many namespaces or transactions of
/// it. Not thread-safe.
/// </summary>
public sealed class BlockProofBuilder
{
    private readonly Batch[] _batches;
    private readonly NamespacedMerkleTree?[] _trees;

    /// <param name="block">The block the proofs are for.</param>
    /// <param name="batchesInBlockOrder">Its batches: batch i must have digest <c>block.BatchDigests[i]</c>.</param>
    public BlockProofBuilder(Block block, IReadOnlyList<Batch> batchesInBlockOrder)
    {
        ArgumentNullException.ThrowIfNull(block);
        NamespaceProof.CheckBatchesMatch(block, batchesInBlockOrder);
        Block = block;
        _batches = [.. batchesInBlockOrder];
        _trees = new NamespacedMerkleTree?[_batches.Length];
    }

    public Block Block { get; }

    /// <summary>The proof of namespace <paramref name="ns"/>'s transactions in the block (an absence proof when it has none).</summary>
    public NamespaceProof ForNamespace(ulong ns)
    {
        var entries = new NamespaceProofBatch[_batches.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var tree = TreeOf(i);
            var (start, end) = tree.RangeOf(ns);
            var hashes = new Hash[end - start];
            for (var j = start; j < end; j++)
            {
                hashes[j - start] = tree.Leaves[j].TransactionHash;
            }

            entries[i] = new NamespaceProofBatch(_batches[i].Header, tree.ProveRange(start, end), hashes);
        }

        return new NamespaceProof(ns, entries);
    }

    /// <summary>The proof for the first occurrence of a transaction in the block, or null when the block does not hold it.</summary>
    public TransactionProof? ForTransaction(Hash transactionHash)
    {
        for (var i = 0; i < _batches.Length; i++)
        {
            if (!_batches[i].Transactions.Any(t => t.Hash == transactionHash))
            {
                continue;
            }

            var tree = TreeOf(i);
            for (var j = 0; j < tree.Count; j++)
            {
                if (tree.Leaves[j].TransactionHash == transactionHash)
                {
                    return new TransactionProof(i, _batches[i].Header, tree.ProveLeaf(j));
                }
            }
        }

        return null;
    }

    private NamespacedMerkleTree TreeOf(int index) =>
        _trees[index] ??= NamespacedMerkleTree.FromTransactions(_batches[index].Transactions);
}
